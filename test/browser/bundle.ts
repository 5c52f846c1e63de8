// Browser bundles of the facade with esbuild: the page scenario of the browser test, and `client/index.ts` alone,
// minified and gzipped, for the size budget (the bench prints it beside the official package's size).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

export interface Bundle {
  code: string;
  bytes: number;
  gzipBytes: number;
  /** The modules bundled, as esbuild names them. */
  inputs: string[];
}

/** Bundles `entry` for browsers (ESM, ES2022); `minify` for the size a browser app ships. */
export async function bundleForBrowser(entry: string, minify = false): Promise<Bundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.text;
  return { code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length, inputs: Object.keys((result.metafile as Metafile).inputs) };
}

export const FACADE_ENTRY = fileURLToPath(new URL("../../client/index.ts", import.meta.url));

/** The gzip size of the official package's browser build (`@tencentcloud/chat/index.js`, already minified). */
export function officialGzipBytes(): number {
  return gzipSync(readFileSync(createRequire(import.meta.url).resolve("@tencentcloud/chat/index.js")), { level: 9 }).length;
}

/** Node-only modules a browser bundle must not contain. */
export function nodeOnlyInputs(bundle: Bundle): string[] {
  return bundle.inputs.filter((input) => /(^|\/)node:|connect-node|@connectrpc\/connect-node/.test(input));
}
