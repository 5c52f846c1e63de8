// `npm run coverage:api`: for every official method, event and error code, is it in the spec, served by the
// reference server, and covered by a golden conformance case? Fails when anything official is missing from the
// spec. `--write-readme` refreshes the totals between the README's coverage markers; `--check` only checks.
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { loadSpec } from "./load-spec.js";
import { repoRoot } from "./main.js";
import { servedMethods } from "./served-methods.js";

interface OfficialSurface {
  methods: { name: string; domain: string }[];
  events: { name: string; value: string; table: string }[];
  clientCodes: { code: number; name: string }[];
  serverCodes: { code: number; meaning: string; lines: string }[];
}

/** Every `call`, event name and code the golden cases mention. */
async function goldenMentions(): Promise<{ calls: Set<string>; events: Set<string>; codes: Set<number> }> {
  const found = { calls: new Set<string>(), events: new Set<string>(), codes: new Set<number>() };
  const dir = join(repoRoot, "test", "conformance", "suites");
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".yaml"));
  const walk = (node: unknown, parentKey: string): void => {
    if (Array.isArray(node)) node.forEach((n) => walk(n, parentKey));
    else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        if (k === "call" && typeof v === "string") found.calls.add(v);
        if (k === "name" && typeof v === "string" && /^(expectEvent|expectNoEvent|event)$/.test(parentKey)) found.events.add(v);
        if (k === "code" && typeof v === "number") found.codes.add(v);
        walk(v, k);
      }
    }
  };
  for (const f of files) walk(parse(await readFile(join(dir, f), "utf8")), "");
  return found;
}

const mark = (b: boolean) => (b ? "yes" : "—");

async function main(): Promise<void> {
  const official = JSON.parse(await readFile(join(repoRoot, "codegen", "official-surface.json"), "utf8")) as OfficialSurface;
  const spec = loadSpec(repoRoot);
  const served = await servedMethods();
  const golden = await goldenMentions();

  const rpcOf = new Map<string, string>();
  for (const s of spec.services) for (const m of s.methods) if (m.facade) rpcOf.set(m.facade.method, `${s.desc.typeName}.${m.desc.name}`);
  const clientSide = new Set(spec.clientMethods.map((c) => c.name));
  const variants = new Set(spec.eventVariants.map((v) => v.name));
  const clientRaised = new Set(
    spec.constantEnums.flatMap((e) => e.values.filter((v) => v.constant.raisedByClient).map((v) => v.constant.name)),
  );
  const codes = new Set(spec.errorCodes.map((e) => e.code));

  const lines: string[] = ["| kind | name | in spec | served by server | golden case |", "|---|---|---|---|---|"];
  const missing: string[] = [];
  let methodsInSpec = 0, methodsServed = 0, methodsRpc = 0, methodsGolden = 0;
  for (const m of official.methods) {
    const rpc = rpcOf.get(m.name);
    const inSpec = rpc !== undefined || clientSide.has(m.name);
    // Client-side methods need no server; only RPC-bound methods count as served or not.
    const isServed = rpc !== undefined && served.has(rpc);
    const isGolden = golden.calls.has(m.name);
    methodsInSpec += +inSpec; methodsServed += +isServed; methodsRpc += +(rpc !== undefined); methodsGolden += +isGolden;
    if (!inSpec) missing.push(`method ${m.name}`);
    lines.push(`| method | \`${m.name}\` | ${inSpec ? (rpc ?? "client-side") : "—"} | ${rpc === undefined ? "n/a" : mark(isServed)} | ${mark(isGolden)} |`);
  }
  let eventsInSpec = 0, eventsGolden = 0;
  for (const e of official.events) {
    const inSpec = variants.has(e.name) || clientRaised.has(e.name);
    const isGolden = golden.events.has(e.name);
    eventsInSpec += +inSpec; eventsGolden += +isGolden;
    if (!inSpec) missing.push(`event ${e.name}`);
    lines.push(`| event | \`${e.table}.${e.name}\` | ${inSpec ? (variants.has(e.name) ? "stream variant" : "raised by facade") : "—"} | | ${mark(isGolden)} |`);
  }
  const allCodes = [...official.clientCodes.map((c) => ({ code: c.code, name: c.name })), ...official.serverCodes.map((c) => ({ code: c.code, name: c.meaning }))];
  let codesInSpec = 0, codesGolden = 0;
  for (const c of allCodes) {
    const inSpec = codes.has(c.code);
    const isGolden = golden.codes.has(c.code);
    codesInSpec += +inSpec; codesGolden += +isGolden;
    if (!inSpec) missing.push(`code ${c.code}`);
    lines.push(`| code | ${c.code} ${c.name} | ${mark(inSpec)} | | ${mark(isGolden)} |`);
  }
  const totals = [
    `| | in spec | served by server | golden case |`,
    `|---|---|---|---|`,
    `| methods (${official.methods.length}: ${methodsRpc} RPC-bound, ${official.methods.length - methodsRpc} client-side) | ${methodsInSpec}/${official.methods.length} | ${methodsServed}/${methodsRpc} RPC-bound | ${methodsGolden}/${official.methods.length} |`,
    `| events (${official.events.length}) | ${eventsInSpec}/${official.events.length} | | ${eventsGolden}/${official.events.length} |`,
    `| error codes (${allCodes.length}: ${official.clientCodes.length} client + ${official.serverCodes.length} documented server) | ${codesInSpec}/${allCodes.length} | | ${codesGolden}/${allCodes.length} |`,
  ];
  if (!process.argv.includes("--check")) console.log(lines.join("\n") + "\n");
  console.log(totals.join("\n"));
  if (process.argv.includes("--write-readme")) {
    const readmePath = join(repoRoot, "README.md");
    const readme = await readFile(readmePath, "utf8");
    const block = `<!-- coverage:start -->\n${totals.join("\n")}\n<!-- coverage:end -->`;
    await writeFile(readmePath, readme.replace(/<!-- coverage:start -->[\s\S]*?<!-- coverage:end -->/, block));
  }
  if (missing.length > 0) {
    console.error(`\nmissing from the spec: ${missing.join(", ")}`);
    process.exitCode = 1;
  }
}

await main();
