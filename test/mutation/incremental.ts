// What Stryker's incremental mode cannot see with the command runner, and this file adds: which conformance case
// killed each mutant, and whether the cases changed since. The command runner reports one test ("All tests")
// without a file, so Stryker re-tests a mutant only when the code around it changed; a weakened case would keep
// its old "killed" verdicts. So each domain's incremental report also records a fingerprint of the harness and of
// every case, and before a run `invalidate` drops the verdicts a change of the cases may have altered:
// - a killed mutant whose killing case changed or is gone (or whose killer is unknown) when the cases changed;
// - a timed-out mutant, when any case changed or is gone (which case hung is unknown);
// - a surviving mutant, when a case was added or changed (it may be killed now).
// A change of the harness (the runner, drivers, matchers, CLI or the command itself) counts as every case changed.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { FIRST_FAILURE } from "../conformance/run.js";
import type { TestCase } from "../conformance/schema.js";

/** The fingerprints kept in an incremental report under this key. */
export const FINGERPRINT_KEY = "chatwireConformance";

export interface Fingerprints {
  /** Hash of the harness files and the command. */
  harness: string;
  /** suite/case → hash of the loaded case. */
  cases: Record<string, string>;
  /** Source file of the domain → hash of its text. */
  sources: Record<string, string>;
}

/** The part of Stryker's incremental report (mutation-testing-report-schema) this file reads and edits. */
export interface IncrementalReport {
  files: Record<string, { source: string; language?: string; mutants: ReportMutant[] }>;
  testFiles?: unknown;
  [FINGERPRINT_KEY]?: Fingerprints;
  [key: string]: unknown;
}

export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  status: string;
  statusReason?: string;
  [key: string]: unknown;
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** The fingerprints of a domain's source files, its cases, and the harness files and command that run them. */
export function fingerprints(
  sources: ReadonlyMap<string, string>,
  cases: readonly TestCase[],
  harnessFiles: readonly string[],
  command: string,
): Fingerprints {
  const harness = hash([command, ...harnessFiles.map((f) => `${f}\n${readFileSync(f, "utf8")}`)].join("\n\0"));
  return {
    harness,
    cases: Object.fromEntries(
      cases.map((c) => [c.fullName, hash(JSON.stringify({ ...c, steps: c.steps.map(({ index: _, ...step }) => step) }))]),
    ),
    sources: Object.fromEntries([...sources].map(([file, text]) => [file, hash(text)])),
  };
}

/** The case (suite/case) that killed a mutant, read from the command's output kept as its status reason. */
export function killerOf(mutant: ReportMutant): string | undefined {
  const line = mutant.statusReason?.split("\n").find((l) => l.startsWith(FIRST_FAILURE));
  const fullName = line?.slice(FIRST_FAILURE.length).trim();
  return fullName?.replace(/^[a-z]+\//, "");
}

/**
 * Whether a report's verdicts stand as they are: the same harness, the same cases, and the same source files
 * (the same files, no more, no fewer, with the same text).
 */
export function upToDate(report: IncrementalReport, current: Fingerprints): boolean {
  const old = report[FINGERPRINT_KEY];
  const same = (a: Record<string, string> = {}, b: Record<string, string>) =>
    Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]);
  return old !== undefined && old.harness === current.harness && same(old.cases, current.cases) && same(old.sources, current.sources);
}

export interface Invalidation {
  /** Mutants dropped, so that Stryker tests them again: status → count. */
  dropped: Record<string, number>;
  /** What changed in the cases. */
  changed: string[];
  added: string[];
  removed: string[];
  harnessChanged: boolean;
}

/** Drops from `report` (in place) the verdicts that the change from its fingerprints to `current` may have altered. */
export function invalidate(report: IncrementalReport, current: Fingerprints): Invalidation {
  const old = report[FINGERPRINT_KEY];
  const oldCases = old?.cases ?? {};
  const harnessChanged = old?.harness !== current.harness;
  const changed = Object.keys(current.cases).filter((c) => c in oldCases && (harnessChanged || oldCases[c] !== current.cases[c]));
  const added = Object.keys(current.cases).filter((c) => !(c in oldCases));
  const removed = Object.keys(oldCases).filter((c) => !(c in current.cases));
  const stale = new Set([...changed, ...removed]);
  const dropped: Record<string, number> = {};
  for (const file of Object.values(report.files)) {
    file.mutants = file.mutants.filter((m) => {
      let drop = false;
      if (m.status === "Killed") {
        const killer = killerOf(m);
        drop = stale.size > 0 && (killer === undefined || stale.has(killer));
      } else if (m.status === "Timeout") drop = stale.size > 0;
      else if (m.status === "Survived" || m.status === "NoCoverage") drop = changed.length + added.length > 0;
      if (drop) dropped[m.status] = (dropped[m.status] ?? 0) + 1;
      return !drop;
    });
  }
  return { dropped, changed, added, removed, harnessChanged };
}

/**
 * The report as the repository keeps it: the fingerprints added, each status reason cut to the lines that say why
 * (the failing case and the bail line), and the run's machine-specific parts left out, so a rerun with no change
 * rewrites the file identically.
 */
export function normalize(report: IncrementalReport, current: Fingerprints): IncrementalReport {
  const files: IncrementalReport["files"] = {};
  for (const name of Object.keys(report.files).sort()) {
    const file = report.files[name]!;
    files[name] = {
      ...file,
      mutants: [...file.mutants]
        .sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column || a.mutatorName.localeCompare(b.mutatorName) || (a.replacement ?? "").localeCompare(b.replacement ?? ""))
        .map((m, i) => {
          const { id: _id, coveredBy: _c, killedBy: _k, testsCompleted: _t, duration: _d, static: _s, ...rest } = m;
          return { ...rest, id: String(i), statusReason: reasonLines(m.statusReason) };
        }),
    };
  }
  return { schemaVersion: report.schemaVersion, thresholds: report.thresholds, files, testFiles: report.testFiles, [FINGERPRINT_KEY]: current };
}

function reasonLines(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const lines = reason.split("\n");
  const kept = lines.filter((l) => l.startsWith("FAIL ") || l.startsWith(FIRST_FAILURE)).map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l));
  return kept.length > 0 ? kept.join("\n") : reason.slice(0, 400);
}
