// A JUnit XML report of a run, one <testsuite> per driver and suite, for CI dashboards.
import type { Verdict } from "./run.js";

function esc(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}

export function junitXml(verdicts: readonly Verdict[]): string {
  const groups = new Map<string, Verdict[]>();
  for (const v of verdicts) {
    const [driver, suite] = v.result.fullName.split("/");
    const key = `${driver}/${suite}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const suites = [...groups].map(([name, list]) => {
    const failures = list.filter((v) => v.verdict === "fail" || v.verdict === "unexpected-pass").length;
    const skipped = list.filter((v) => v.verdict === "skip" || v.verdict === "known-failing").length;
    const time = list.reduce((t, v) => t + v.result.durationMs, 0) / 1000;
    const cases = list.map((v) => {
      const caseName = v.result.fullName.split("/").slice(2).join("/");
      const open = `    <testcase classname="${esc(name.replace("/", "."))}" name="${esc(caseName)}" time="${(v.result.durationMs / 1000).toFixed(3)}"`;
      switch (v.verdict) {
        case "pass":
          return `${open}/>`;
        case "skip":
          return `${open}>\n      <skipped message="${esc(v.result.reason ?? "")}"/>\n    </testcase>`;
        case "known-failing":
          return `${open}>\n      <skipped message="${esc(`known failing: ${v.knownFailing?.reason ?? ""}`)}"/>\n      <system-out>${esc(v.result.reason ?? "")}</system-out>\n    </testcase>`;
        case "unexpected-pass":
          return `${open}>\n      <failure message="${esc(v.message)}" type="unexpected-pass"/>\n    </testcase>`;
        case "fail":
          return `${open}>\n      <failure message="${esc(v.result.reason ?? "")}" type="failure">${esc(v.result.trace ?? "")}</failure>\n    </testcase>`;
      }
    });
    return `  <testsuite name="${esc(name)}" tests="${list.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="chatwire-conformance">\n${suites.join("\n")}\n</testsuites>\n`;
}
