// Machine-readable reports of a run, for CI dashboards: JSON (one object), JUnit XML (junit.ts) and TAP 13. Written
// to a file (its folder is created) or, without one, to standard output.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { junitXml } from "./junit.js";
import type { Verdict, VerdictKind } from "./run.js";

export const REPORTERS = ["json", "junit", "tap"] as const;
export type ReporterName = (typeof REPORTERS)[number];

/** What a report says about the run as a whole. */
export interface RunSummary {
  target: string;
  counts: Record<VerdictKind, number>;
  ok: boolean;
}

export function summarize(verdicts: readonly Verdict[], target: string): RunSummary {
  const counts: Record<VerdictKind, number> = { pass: 0, fail: 0, skip: 0, "known-failing": 0, "unexpected-pass": 0 };
  for (const v of verdicts) counts[v.verdict]++;
  return { target, counts, ok: counts.fail === 0 && counts["unexpected-pass"] === 0 };
}

export function jsonReport(verdicts: readonly Verdict[], summary: RunSummary): string {
  const cases = verdicts.map((v) => ({
    name: v.result.fullName,
    verdict: v.verdict,
    durationMs: Math.round(v.result.durationMs),
    message: v.message,
    ...(v.result.trace && v.verdict !== "pass" ? { trace: v.result.trace } : {}),
  }));
  return `${JSON.stringify({ ...summary, cases }, null, 2)}\n`;
}

/** TAP version 13: known-failing cases are TODO, skipped ones SKIP; a failure carries its trace as YAML. */
export function tapReport(verdicts: readonly Verdict[]): string {
  const lines = ["TAP version 13", `1..${verdicts.length}`];
  verdicts.forEach((v, i) => {
    const n = i + 1;
    const name = v.result.fullName.replace(/#/g, "\\#");
    const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").replace(/#/g, "\\#");
    switch (v.verdict) {
      case "pass":
        lines.push(`ok ${n} - ${name}`);
        break;
      case "skip":
        lines.push(`ok ${n} - ${name} # SKIP ${oneLine(v.message)}`);
        break;
      case "known-failing":
        lines.push(`not ok ${n} - ${name} # TODO ${oneLine(v.message)}`);
        break;
      case "fail":
      case "unexpected-pass":
        lines.push(`not ok ${n} - ${name}`, "  ---", `  message: ${JSON.stringify(v.message)}`);
        if (v.result.trace) lines.push("  trace: |", ...v.result.trace.split("\n").map((l) => `    ${l}`));
        lines.push("  ...");
    }
  });
  return `${lines.join("\n")}\n`;
}

export function formatReport(reporter: ReporterName, verdicts: readonly Verdict[], summary: RunSummary): string {
  switch (reporter) {
    case "json":
      return jsonReport(verdicts, summary);
    case "junit":
      return junitXml(verdicts);
    case "tap":
      return tapReport(verdicts);
  }
}

/** Writes a report, creating the file's folder. */
export function writeReport(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
