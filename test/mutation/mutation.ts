// `npm run mutation [-- --domain presence] [--full] [--keep-harness]`: mutation testing of the reference server against the
// conformance suite, one domain folder of server/ at a time (domains.ts). StrykerJS's command runner runs the
// domain's cases only (rpc driver, SQLite so that cases can restart the server), stopping at the first failure;
// the run is incremental: test/mutation/incremental/<domain>.json keeps every verdict, and only the mutants that
// a change of the code or of the cases may affect are tested again (incremental.ts). A domain whose code and cases
// did not change at all is not run. It prints each domain's surviving mutants and score, and fails when a domain
// scores under MIN_SCORE.
import { Stryker } from "@stryker-mutator/core";
import type { PartialStrykerOptions } from "@stryker-mutator/api/core";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadSuites } from "../conformance/load-suites.js";
import { planCases } from "../conformance/run.js";
import { discoverDomains, type Domain } from "./domains.js";
import { FINGERPRINT_KEY, fingerprints, invalidate, killerOf, normalize, upToDate, type IncrementalReport, type ReportMutant } from "./incremental.js";

/** The lowest mutation score (killed and timed-out mutants over all valid ones, in %) a domain may have. */
export const MIN_SCORE = 80;
const INCREMENTAL_DIR = "test/mutation/incremental";
const WORK_DIR = "reports/mutation";
/** What the command's result depends on besides the cases: a change here invalidates every verdict. */
const HARNESS_DIRS = ["test/conformance", "test/conformance/drivers"];
const HARNESS_FILES = ["test/conformance/known-failing/rpc.txt", "server/cli.ts", "node_modules/@stryker-mutator/core/package.json"];

/**
 * The command Stryker runs for each mutant of a domain: its cases on the rpc driver (SQLite, so that cases can
 * restart the server), stopping at the first failure. `first` names cases to run before the others (the ones
 * that killed the most mutants last time), which makes a killed mutant's run short; the verdicts do not depend on it.
 */
export function commandOf(domain: Domain, first: readonly string[] = []): string {
  const filters = [...first, ...domain.cases].map((glob) => `--filter '${glob}'`).join(" ");
  // The TypeScript sources through tsx, never the compiled dist/ (which bin/chatwire.js runs): Stryker mutates the sources.
  return `node --import tsx server/cli.ts conformance --driver rpc --storage sqlite --bail --trace none ${filters}`;
}

/** The cases that killed mutants in a report, the most prolific first. */
function killOrder(report: IncrementalReport | undefined): string[] {
  const kills = new Map<string, number>();
  for (const file of Object.values(report?.files ?? {})) {
    for (const m of file.mutants) {
      const killer = m.status === "Killed" ? killerOf(m) : undefined;
      if (killer) kills.set(killer, (kills.get(killer) ?? 0) + 1);
    }
  }
  return [...kills].sort((a, b) => b[1] - a[1]).map(([name]) => name);
}

function harnessFiles(): string[] {
  const files = HARNESS_DIRS.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .map((f) => join(dir, f)),
  );
  return [...files, ...HARNESS_FILES].sort();
}

/** The files a domain's mutants are made in: every .ts file under its folder. */
function sourcesOf(domain: Domain): Map<string, string> {
  const files = readdirSync(domain.dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => join(domain.dir, f).split("\\").join("/"))
    .sort();
  return new Map(files.map((f) => [f, readFileSync(f, "utf8")]));
}

interface DomainResult {
  domain: Domain;
  report: IncrementalReport;
  /** Whether Stryker ran (false: nothing changed since the kept report). */
  ran: boolean;
  seconds: number;
}

async function runDomain(domain: Domain, full: boolean, keepHarness: boolean): Promise<DomainResult> {
  const started = performance.now();
  const cases = planCases(loadSuites(), ["rpc"], domain.cases).map((p) => p.testCase);
  if (cases.length === 0) throw new Error(`${domain.name}: the globs ${domain.cases.join(", ")} match no rpc case`);
  const current = fingerprints(sourcesOf(domain), cases, harnessFiles(), commandOf(domain));
  const keptFile = join(INCREMENTAL_DIR, `${domain.name}.json`);
  const workFile = join(WORK_DIR, `${domain.name}.incremental.json`);
  mkdirSync(WORK_DIR, { recursive: true });
  mkdirSync(INCREMENTAL_DIR, { recursive: true });

  const kept = existsSync(keptFile) ? (JSON.parse(readFileSync(keptFile, "utf8")) as IncrementalReport) : undefined;
  const keptFingerprints = kept?.[FINGERPRINT_KEY];
  if (keepHarness && keptFingerprints && keptFingerprints.harness !== current.harness) {
    // Declared by whoever runs it: the harness changed in a way no kept verdict depends on (a new step kind or
    // matcher). The cases' and sources' fingerprints still decide what is tested again.
    console.log(`${domain.name}: harness change declared harmless (--keep-harness): its kept verdicts stand`);
    keptFingerprints.harness = current.harness;
  }
  if (kept && !full && upToDate(kept, current)) {
    // A harness change declared harmless is recorded, so that later runs (CI's) see the verdicts as up to date too.
    if (keepHarness) writeFileSync(keptFile, `${JSON.stringify(normalize(kept, current), null, 1)}\n`);
    console.log(`\n=== ${domain.name}: code and cases unchanged since ${keptFile}; its verdicts stand`);
    return { domain, report: kept, ran: false, seconds: (performance.now() - started) / 1000 };
  }
  const command = commandOf(domain, killOrder(kept).filter((c) => c in current.cases));
  if (kept && !full) {
    const change = invalidate(kept, current);
    if (change.harnessChanged) console.log(`${domain.name}: the harness or the command changed since the last run`);
    else {
      for (const [what, list] of [["changed", change.changed], ["added", change.added], ["removed", change.removed]] as const) {
        if (list.length > 0) console.log(`${domain.name}: cases ${what}: ${list.join(", ")}`);
      }
    }
    const dropped = Object.entries(change.dropped).map(([status, n]) => `${n} ${status}`);
    if (dropped.length > 0) console.log(`${domain.name}: testing again ${dropped.join(", ")} mutant(s) whose verdict the case changes may alter`);
    writeFileSync(workFile, JSON.stringify(kept));
  } else writeFileSync(workFile, JSON.stringify({ files: {} }));

  console.log(`\n=== ${domain.name}: mutating ${domain.mutate}; each mutant runs: ${commandOf(domain)}`);
  // Plain strings where the API declares const enums (logLevel), which isolatedModules cannot import.
  const options = {
    testRunner: "command",
    commandRunner: { command },
    mutate: [domain.mutate],
    coverageAnalysis: "off",
    checkers: ["typescript"],
    tsconfigFile: "tsconfig.json",
    plugins: ["@stryker-mutator/typescript-checker"],
    incremental: true,
    incrementalFile: workFile,
    force: full,
    concurrency: Math.min(2, availableParallelism()),
    // The machine is shared: a slow case is not a hang. A mutant counts as timed out after 1.5× the clean run + 10 s.
    timeoutMS: 10_000,
    reporters: [process.stdout.isTTY ? "progress" : "progress-append-only"],
    logLevel: "warn",
    fileLogLevel: "off",
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
    ignorePatterns: ["/reports", "/data", "/dist", "/.stryker-tmp", `/${INCREMENTAL_DIR}`],
    thresholds: { high: 90, low: MIN_SCORE, break: null },
  };
  await new Stryker(options as PartialStrykerOptions).runMutationTest();
  const report = normalize(JSON.parse(readFileSync(workFile, "utf8")) as IncrementalReport, current);
  writeFileSync(keptFile, `${JSON.stringify(report, null, 1)}\n`);
  return { domain, report, ran: true, seconds: (performance.now() - started) / 1000 };
}

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

interface Tally {
  score: number;
  counts: Record<string, number>;
}

/** The score of a domain: killed and timed-out mutants over those plus the survivors (the valid mutants). */
export function tally(report: IncrementalReport): Tally {
  const counts: Record<string, number> = {};
  for (const file of Object.values(report.files)) for (const m of file.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
  const sum = (statuses: Set<string>) => [...statuses].reduce((n, s) => n + (counts[s] ?? 0), 0);
  const valid = sum(DETECTED) + sum(UNDETECTED);
  return { score: valid === 0 ? 100 : (100 * sum(DETECTED)) / valid, counts };
}

/** `file:line:col  Mutator  original → replacement`, one line per mutant (report locations are 1-based). */
function describeMutant(file: string, source: string, m: ReportMutant): string {
  const lines = source.split("\n");
  const { start, end } = m.location;
  const original =
    start.line === end.line ? lines[start.line - 1]!.slice(start.column - 1, end.column - 1) : `${lines[start.line - 1]!.slice(start.column - 1)} …`;
  const oneLine = (text: string) => {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length > 70 ? `${flat.slice(0, 67)}…` : flat;
  };
  return `${file}:${start.line}:${start.column}  ${m.mutatorName}  ${oneLine(original)}  →  ${oneLine(m.replacement ?? "")}`;
}

function printDomain({ domain, report }: DomainResult): void {
  const pick = (test: (m: ReportMutant) => boolean) =>
    Object.entries(report.files).flatMap(([file, f]) => f.mutants.filter(test).map((m) => describeMutant(file, f.source, m) + (m.status === "Ignored" ? `  (${(m.statusReason ?? "").replace(/\s+/g, " ")})` : "")));
  const survivors = pick((m) => UNDETECTED.has(m.status));
  console.log(`\n${domain.name}: ${survivors.length} surviving mutant(s)${survivors.length > 0 ? " (each a wrong server the cases accept):" : ""}`);
  for (const line of survivors) console.log(`  ${line}`);
  const ignored = pick((m) => m.status === "Ignored");
  if (ignored.length > 0) {
    console.log(`${domain.name}: ${ignored.length} mutant(s) marked equivalent:`);
    for (const line of ignored) console.log(`  ${line}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      domain: { type: "string", multiple: true },
      full: { type: "boolean", default: false },
      "keep-harness": { type: "boolean", default: false },
    },
  });
  const all = discoverDomains();
  const unknown = (values.domain ?? []).filter((d) => !all.some((x) => x.name === d));
  if (unknown.length > 0) throw new Error(`unknown domain(s) ${unknown.join(", ")}; domains: ${all.map((d) => d.name).join(", ")}`);
  const domains = values.domain ? all.filter((d) => values.domain!.includes(d.name)) : all.filter((d) => !d.pending);
  for (const d of all) if (d.pending && !values.domain?.includes(d.name)) console.log(`${d.name}: pending, not measured (${d.pending}; test/mutation/domains.ts)`);
  const started = performance.now();
  const results: (DomainResult & Tally)[] = [];
  const unmeasured: string[] = [];
  for (const domain of domains) {
    if (process.env.CI && !values.full && !existsSync(join(INCREMENTAL_DIR, `${domain.name}.json`))) {
      // CI tests incrementally from a committed baseline; a first, full run of a domain is a developer's to make
      // (minutes to hours on a shared machine) and commit.
      unmeasured.push(domain.name);
      console.log(`\n=== ${domain.name}: NO BASELINE (${INCREMENTAL_DIR}/${domain.name}.json): not measured in CI; run \`npm run mutation -- --domain ${domain.name}\` and commit the file`);
      continue;
    }
    const result = await runDomain(domain, values.full!, values["keep-harness"]!);
    printDomain(result);
    results.push({ ...result, ...tally(result.report) });
  }
  console.log(`\nmutation score per domain (at least ${MIN_SCORE} % each; killed + timed out over valid mutants):`);
  console.log(`  ${"domain".padEnd(12)} ${"score".padStart(7)}  killed  timeout  survived  no-cov  compile-err  ignored   time`);
  for (const r of results) {
    const c = (s: string) => String(r.counts[s] ?? 0);
    const time = r.ran ? `${r.seconds.toFixed(0).padStart(4)} s` : "  unchanged";
    console.log(
      `  ${r.domain.name.padEnd(12)} ${`${r.score.toFixed(1)} %`.padStart(7)}  ${c("Killed").padStart(6)}  ${c("Timeout").padStart(7)}  ${c("Survived").padStart(8)}  ${c("NoCoverage").padStart(6)}  ${c("CompileError").padStart(11)}  ${c("Ignored").padStart(7)}  ${time}${r.score < MIN_SCORE ? `  BELOW ${MIN_SCORE} %` : ""}`,
    );
  }
  for (const name of unmeasured) console.log(`  ${name.padEnd(12)} no baseline: not measured`);
  console.log(`  total time ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const failing = results.filter((r) => r.score < MIN_SCORE);
  if (failing.length > 0) {
    console.error(`\nmutation: ${failing.map((r) => r.domain.name).join(", ")} below ${MIN_SCORE} %: add cases that kill the survivors listed above (docs/testing.md).`);
    process.exit(1);
  }
  // Stryker leaves handles (worker pools, the TS checker) that would keep the process alive.
  process.exit(0);
}

await main();
