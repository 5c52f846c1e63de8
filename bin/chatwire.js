#!/usr/bin/env node
// The `chatwire` executable: runs the compiled CLI (dist/, built by `npm run build`, which `npm ci` and `npm pack`
// run through `prepare`). No TypeScript loader at run time.
const cli = new URL("../dist/server/cli.js", import.meta.url);
try {
  await import(cli.href);
} catch (err) {
  if (err?.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("/dist/server/cli.js")) {
    console.error("chatwire: dist/ is missing; run `npm run build` first");
    process.exit(1);
  }
  throw err;
}
