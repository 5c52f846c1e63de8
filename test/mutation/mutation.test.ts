// The pieces of `npm run mutation` that decide what is tested: the domains found in server/, and which kept
// verdicts a change of the cases invalidates. (The mutation run itself is `npm run mutation`, in CI.)
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadSuites } from "../conformance/load-suites.js";
import { FIRST_FAILURE, planCases } from "../conformance/run.js";
import { discoverDomains } from "./domains.js";
import { FINGERPRINT_KEY, invalidate, killerOf, normalize, upToDate, type Fingerprints, type IncrementalReport, type ReportMutant } from "./incremental.js";

describe("mutation domains", () => {
  it("finds every server folder with handlers, each tested by rpc cases that exist", () => {
    const domains = discoverDomains();
    const names = domains.map((d) => d.name);
    for (const served of ["accounts", "presence", "sessions"]) assert.ok(names.includes(served), `${served} is a domain`);
    assert.equal(domains.find((d) => d.name === "translation")?.cases[0], "translation/**", "a domain's own suite by default");
    const suites = loadSuites();
    for (const domain of domains) {
      assert.equal(domain.mutate, `server/${domain.name}/**/*.ts`);
      for (const glob of domain.cases) assert.ok(planCases(suites, ["rpc"], glob).length > 0, `${domain.name}: ${glob} matches no rpc case`);
    }
  });

  it("runs the cases of several filters in the order of the first filter matching each", () => {
    const plan = planCases(loadSuites(), ["rpc"], ["user-status/get-user-status/self", "session/**", "user-status/get-user-status/self"]);
    assert.equal(plan[0]!.fullName, "rpc/user-status/get-user-status/self");
    assert.ok(plan.slice(1).every((p) => p.testCase.suite === "session"));
  });
});

function mutant(status: string, line: number, killer?: string): ReportMutant {
  return {
    id: String(line),
    mutatorName: "ConditionalExpression",
    replacement: "true",
    location: { start: { line, column: 1 }, end: { line, column: 5 } },
    status,
    statusReason: killer ? `ok   rpc/a/one (3 ms)\nFAIL rpc/${killer} (4 ms): step #2 failed\n${FIRST_FAILURE} rpc/${killer}\n\n9 cases` : undefined,
  };
}

function report(mutants: ReportMutant[], fingerprints: Fingerprints): IncrementalReport {
  return { files: { "server/x/x.ts": { source: "x", language: "typescript", mutants } }, [FINGERPRINT_KEY]: fingerprints };
}

const before: Fingerprints = { harness: "h1", cases: { "a/one": "1", "a/two": "2" }, sources: { "server/x/x.ts": "s" } };
const statuses = (r: IncrementalReport) => r.files["server/x/x.ts"]!.mutants.map((m) => `${m.status}@${m.location.start.line}`);

describe("incremental verdicts", () => {
  it("reads the killing case from the command's output", () => {
    assert.equal(killerOf(mutant("Killed", 1, "a/two")), "a/two");
    assert.equal(killerOf(mutant("Killed", 1)), undefined);
  });

  it("keeps every verdict when nothing changed", () => {
    const r = report([mutant("Killed", 1, "a/one"), mutant("Survived", 2), mutant("Timeout", 3)], before);
    const change = invalidate(r, before);
    assert.deepEqual(change.dropped, {});
    assert.deepEqual(statuses(r), ["Killed@1", "Survived@2", "Timeout@3"]);
    assert.ok(upToDate(r, before));
  });

  it("tests again the mutants a changed case killed, the timed-out ones and the survivors", () => {
    const r = report([mutant("Killed", 1, "a/one"), mutant("Killed", 2, "a/two"), mutant("Survived", 3), mutant("Timeout", 4), mutant("CompileError", 5)], before);
    const after = { ...before, cases: { "a/one": "1", "a/two": "2b" } };
    assert.ok(!upToDate(r, after));
    const change = invalidate(r, after);
    assert.deepEqual(change.changed, ["a/two"]);
    assert.deepEqual(statuses(r), ["Killed@1", "CompileError@5"]);
  });

  it("tests again the mutants a removed case killed, but keeps survivors (fewer cases kill no more)", () => {
    const r = report([mutant("Killed", 1, "a/one"), mutant("Killed", 2, "a/two"), mutant("Survived", 3)], before);
    const change = invalidate(r, { ...before, cases: { "a/one": "1" } });
    assert.deepEqual(change.removed, ["a/two"]);
    assert.deepEqual(statuses(r), ["Killed@1", "Survived@3"]);
  });

  it("tests again only the survivors when a case was added", () => {
    const r = report([mutant("Killed", 1, "a/one"), mutant("Survived", 2), mutant("NoCoverage", 3), mutant("Timeout", 4)], before);
    const change = invalidate(r, { ...before, cases: { ...before.cases, "a/three": "3" } });
    assert.deepEqual(change.added, ["a/three"]);
    assert.deepEqual(statuses(r), ["Killed@1", "Timeout@4"]);
  });

  it("tests everything again when the harness changed, and a killed mutant whose killer is unknown", () => {
    const r = report([mutant("Killed", 1, "a/one"), mutant("Killed", 2), mutant("Ignored", 3)], before);
    const change = invalidate(r, { ...before, harness: "h2" });
    assert.ok(change.harnessChanged);
    assert.deepEqual(statuses(r), ["Ignored@3"]);
  });

  it("is not up to date when a source file changed, appeared or went", () => {
    const r = report([], before);
    assert.ok(!upToDate(r, { ...before, sources: { "server/x/x.ts": "t" } }));
    assert.ok(!upToDate(r, { ...before, sources: { ...before.sources, "server/x/y.ts": "u" } }));
    assert.ok(!upToDate(r, { ...before, sources: {} }));
  });

  it("keeps the report small and stable: reasons cut to the failing case, mutants in source order", () => {
    const raw = report([mutant("Killed", 9, "a/two"), { ...mutant("Survived", 2), testsCompleted: 3, coveredBy: ["all"] }], before);
    const kept = normalize({ ...raw, system: { ci: false } }, before);
    assert.equal(kept.system, undefined);
    assert.deepEqual(statuses(kept), ["Survived@2", "Killed@9"]);
    const [survived, killed] = kept.files["server/x/x.ts"]!.mutants;
    assert.equal(survived!.testsCompleted, undefined);
    assert.equal(killed!.statusReason, `FAIL rpc/a/two (4 ms): step #2 failed\n${FIRST_FAILURE} rpc/a/two`);
    assert.equal(killerOf(killed!), "a/two");
    assert.deepEqual(normalize(kept, before), kept);
  });
});
