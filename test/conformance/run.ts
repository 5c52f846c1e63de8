// A whole run: which cases on which drivers (planCases), what each result means given the known-failing lists
// (judge), and the loop the CLI uses (runConformance). conformance-cases.ts uses the same pieces under node:test.
import type { Driver } from "./drivers/driver.js";
import { facadeDriver, loadFacade } from "./drivers/facade-driver.js";
import { rpcDriver } from "./drivers/rpc-driver.js";
import { globToRegExp, loadKnownFailing, type KnownFailing, type KnownFailingEntry } from "./known-failing.js";
import { loadSuites } from "./load-suites.js";
import { formatReport, summarize, writeReport, type ReporterName } from "./reporters.js";
import { runCase, type CaseResult } from "./runner.js";
import { ConformanceSetupError } from "./setup-error.js";
import type { DriverName, TestCase } from "./schema.js";
import type { TargetFactory } from "./targets.js";

export interface PlannedCase {
  driver: DriverName;
  testCase: TestCase;
  /** driver/suite/case. */
  fullName: string;
}

/**
 * Every case of the suites on each driver it runs on, kept when `filter` (a glob, or any of several) matches
 * driver/suite/case or suite/case. With several globs, cases run in the order of the first glob that matches them
 * (suite order among equals), so a run can put the cases most likely to fail first.
 */
export function planCases(suites: readonly { cases: TestCase[] }[], drivers: readonly DriverName[], filter?: string | readonly string[]): PlannedCase[] {
  const globs = filter === undefined ? [] : typeof filter === "string" ? [filter] : filter;
  const regexes = globs.map(globToRegExp);
  const plan: (PlannedCase & { rank: number })[] = [];
  for (const driver of drivers) {
    for (const suite of suites) {
      for (const testCase of suite.cases) {
        if (!testCase.drivers.includes(driver)) continue;
        const fullName = `${driver}/${testCase.fullName}`;
        const rank = regexes.length === 0 ? 0 : regexes.findIndex((r) => r.test(fullName) || r.test(testCase.fullName));
        if (rank < 0) continue;
        plan.push({ driver, testCase, fullName, rank });
      }
    }
  }
  return plan.sort((a, b) => a.rank - b.rank).map(({ rank: _, ...p }) => p);
}

export type VerdictKind = "pass" | "fail" | "skip" | "known-failing" | "unexpected-pass";

export interface Verdict {
  result: CaseResult;
  verdict: VerdictKind;
  knownFailing?: KnownFailingEntry;
  /** One line for the report. */
  message: string;
}

/** Whether a result passes the run, given the driver's known-failing list. */
export function judge(result: CaseResult, testCase: TestCase, known: KnownFailing): Verdict {
  const entry = known.find(testCase.fullName);
  if (result.status === "skipped") return { result, verdict: "skip", message: result.reason ?? "skipped" };
  if (entry && result.status === "passed") {
    return {
      result,
      verdict: "unexpected-pass",
      knownFailing: entry,
      message: `passes but ${known.file}:${entry.line} lists it as known failing (${entry.pattern}): remove the entry`,
    };
  }
  if (entry) return { result, verdict: "known-failing", knownFailing: entry, message: `known failing: ${entry.reason}` };
  if (result.status === "passed") return { result, verdict: "pass", message: "ok" };
  return { result, verdict: "fail", message: result.reason ?? "failed" };
}

/** The drivers asked for. */
export async function loadDrivers(names: readonly DriverName[]): Promise<Map<DriverName, Driver>> {
  const drivers = new Map<DriverName, Driver>();
  for (const name of names) {
    if (name === "rpc") drivers.set(name, rpcDriver);
    else {
      try {
        drivers.set(name, facadeDriver(await loadFacade()));
      } catch (err) {
        // A facade that does not load fails every facade case, without stopping the rpc ones.
        const reason = `the facade failed to load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
        drivers.set(name, { name, openDevice: () => Promise.reject(new Error(reason)) });
      }
    }
  }
  return drivers;
}

/** With `bail`, the line naming the case that stopped the run (mutation testing reads it to know the killer). */
export const FIRST_FAILURE = "bail: stopped at the first failure,";

export interface RunOptions {
  targets: TargetFactory;
  drivers: readonly DriverName[];
  /** Only the cases matching this glob, or any of these globs. */
  filter?: string | readonly string[] | undefined;
  /** Stop at the first case that fails the run (mutation testing: a killed mutant needs no further case). */
  bail?: boolean | undefined;
  /** A machine-readable report of the run, written to `output` (its folder is created) or else through `log`. */
  reporter?: ReporterName | undefined;
  output?: string | undefined;
  /** Print the traces of failures ("failures", the default), of every case ("all"), or none. */
  traces?: "failures" | "all" | "none" | undefined;
  /** Progress and results, one line at a time. */
  log: (line: string) => void;
  /** Where a report without an `output` file goes; default `log`. */
  print?: ((text: string) => void) | undefined;
}

/**
 * Runs the plan case by case and reports; `ok` is false when a case failed or a known-failing case passed. Throws
 * ConformanceSetupError, before any case runs, when the filter matches nothing or the target fails its preflight.
 */
export async function runConformance(options: RunOptions): Promise<{ ok: boolean; verdicts: Verdict[] }> {
  const suites = loadSuites();
  const plan = planCases(suites, options.drivers, options.filter);
  if (plan.length === 0) {
    throw new ConformanceSetupError(
      options.filter ? `--filter ${[options.filter].flat().join(" ")} matches no case (names are driver/suite/case, e.g. rpc/user-status/**)` : "no case to run",
    );
  }
  try {
    await options.targets.preflight?.();
  } catch (err) {
    await options.targets.close();
    throw err;
  }
  const drivers = await loadDrivers(options.drivers);
  const verdicts: Verdict[] = [];
  const known = new Map(options.drivers.map((d) => [d, loadKnownFailing(d)]));
  const width = String(plan.length).length;
  for (const [i, { driver: name, testCase, fullName }] of plan.entries()) {
    const result: CaseResult = await runCase(testCase, drivers.get(name)!, options.targets);
    const verdict = judge(result, testCase, known.get(name)!);
    verdicts.push(verdict);
    const mark = { pass: "ok  ", fail: "FAIL", skip: "skip", "known-failing": "kf  ", "unexpected-pass": "FAIL" }[verdict.verdict];
    const progress = `[${String(i + 1).padStart(width)}/${plan.length}]`;
    options.log(`${progress} ${mark} ${fullName} (${Math.round(result.durationMs)} ms)${verdict.verdict === "pass" ? "" : `: ${verdict.message}`}`);
    const traces = options.traces ?? "failures";
    if (result.trace && (traces === "all" || (traces === "failures" && (verdict.verdict === "fail" || verdict.verdict === "unexpected-pass")))) {
      options.log(indent(result.trace));
    }
    if (options.bail && (verdict.verdict === "fail" || verdict.verdict === "unexpected-pass")) {
      options.log(`${FIRST_FAILURE} ${fullName}`);
      break;
    }
  }
  await options.targets.close();
  const summary = summarize(verdicts, options.targets.description);
  const { counts } = summary;
  options.log(
    `\n${verdicts.length} cases against ${options.targets.description}: ${counts.pass} passed, ${counts.fail} failed, ` +
      `${counts["known-failing"]} known failing, ${counts["unexpected-pass"]} known failing but passing, ${counts.skip} skipped`,
  );
  if (options.reporter) {
    const report = formatReport(options.reporter, verdicts, summary);
    if (options.output) writeReport(options.output, report);
    else (options.print ?? options.log)(report);
  }
  return { ok: summary.ok, verdicts };
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `      ${l}`)
    .join("\n");
}
