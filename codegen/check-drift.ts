// CI's drift check: regenerates the bindings into a temporary folder and the codegen output in memory, and fails
// when either differs from what is committed.
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { findDrift, generateAll, repoRoot } from "./main.js";
import { loadSpec } from "./load-spec.js";
import { servedMethods } from "./served-methods.js";

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

async function bindingDrift(): Promise<string[]> {
  const scratch = await mkdtemp(join(tmpdir(), "chatwire-gen-"));
  try {
    execFileSync(join(repoRoot, "node_modules", ".bin", "buf"), ["generate", "-o", scratch], { cwd: repoRoot, stdio: "inherit" });
    const fresh = (await listFiles(join(scratch, "gen"))).map((p) => relative(scratch, p));
    const committed = (await listFiles(join(repoRoot, "gen"))).map((p) => relative(repoRoot, p));
    const drifted = new Set<string>();
    for (const path of new Set([...fresh, ...committed])) {
      const a = await readFile(join(scratch, path), "utf8").catch(() => undefined);
      const b = await readFile(join(repoRoot, path), "utf8").catch(() => undefined);
      if (a !== b) drifted.add(path);
    }
    return [...drifted].sort();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const drifted = [...(await bindingDrift()), ...(await findDrift(generateAll(loadSpec(repoRoot), await servedMethods())))];
for (const path of drifted) console.error(`drift: ${path} differs from what the spec generates; run \`npm run generate\``);
if (drifted.length > 0) process.exit(1);
console.log("generate:check: generated code matches the spec");
