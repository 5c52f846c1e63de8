// `npm run build` (also run by `prepare`, so `npm ci` and `npm pack` build): compiles the library into dist/ with
// tsc and copies the data files the compiled code reads beside it (conformance suites and known-failing lists).
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

rmSync(dist, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: "inherit" });
} catch {
  console.error("build: tsc failed (see above)");
  process.exit(1);
}
for (const dir of ["test/conformance/suites", "test/conformance/known-failing"]) {
  cpSync(join(root, dir), join(dist, dir), { recursive: true });
}
