// `chatwire/conformance`: the conformance suite as a library — run the golden cases against a server by URL (or
// against in-process reference servers) and get verdicts and reports, as `chatwire conformance` does.
export { runConformance, planCases, judge, type RunOptions, type Verdict, type VerdictKind, type PlannedCase } from "./run.js";
export { ConformanceSetupError } from "./setup-error.js";
export { remoteTargets, inProcessTargets, type RemoteOptions, type Target, type TargetFactory } from "./targets.js";
export { loadSuites, parseSuite, SuiteError, SUITES_DIR } from "./load-suites.js";
export { REPORTERS, formatReport, summarize, type ReporterName, type RunSummary } from "./reporters.js";
export { junitXml } from "./junit.js";
export { DRIVERS, type DriverName, type Suite, type TestCase } from "./schema.js";
