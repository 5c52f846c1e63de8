// `npm run generate` (after buf): writes every file the spec generates. `--check` writes nothing and fails on drift.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { emitApiDocs } from "./emit-api-docs.js";
import { emitClientConstants } from "./emit-client-constants.js";
import { emitClientMethods } from "./emit-client-methods.js";
import { emitErrorCodes } from "./emit-error-codes.js";
import { emitServerHttpRoutes } from "./emit-server-http-routes.js";
import { emitServerServices } from "./emit-server-services.js";
import { emitServerValidators } from "./emit-server-validators.js";
import type { GeneratedFile } from "./generated-file.js";
import { loadSpec, type Spec } from "./load-spec.js";
import { servedMethods } from "./served-methods.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** `served`: the RPCs the reference server implements (servedMethods()), marked in docs/api.md. */
export function generateAll(spec: Spec, served: ReadonlySet<string>): GeneratedFile[] {
  return [emitClientConstants(spec), emitClientMethods(spec), emitServerServices(spec), emitServerValidators(spec), emitServerHttpRoutes(spec), ...emitErrorCodes(spec), emitApiDocs(spec, served)];
}

/** Returns the generated files whose committed content differs from what the spec generates now. */
export async function findDrift(files: readonly GeneratedFile[]): Promise<string[]> {
  const drifted: string[] = [];
  for (const f of files) {
    const current = await readFile(join(repoRoot, f.path), "utf8").catch(() => undefined);
    if (current !== f.content) drifted.push(f.path);
  }
  return drifted;
}

async function main(): Promise<void> {
  const files = generateAll(loadSpec(repoRoot), await servedMethods());
  if (process.argv.includes("--check")) {
    const drifted = await findDrift(files);
    for (const path of drifted) console.error(`drift: ${path} differs from what the spec generates`);
    process.exitCode = drifted.length > 0 ? 1 : 0;
    return;
  }
  for (const f of files) {
    await mkdir(dirname(join(repoRoot, f.path)), { recursive: true });
    await writeFile(join(repoRoot, f.path), f.content);
  }
  console.log(`codegen: wrote ${files.length} files`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
