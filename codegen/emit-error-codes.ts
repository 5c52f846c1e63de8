// Emits the table of every error code in the spec (number → name, message, Connect code), for the server's error
// mapping and the facade's error messages. The same table is written into client/ and server/ on purpose: the
// facade ships to browsers without the server, and the server runs without the facade.
import { emitTypeScript, type GeneratedFile } from "./generated-file.js";
import type { Spec } from "./load-spec.js";

export const ERROR_CODES_PATHS = ["server/generated/error-codes.ts", "client/generated/error-codes.ts"] as const;

export function emitErrorCodes(spec: Spec): GeneratedFile[] {
  const rows = spec.errorCodes.map(
    (e) =>
      `  ${e.code}: { name: ${JSON.stringify(e.name.replace(/^ERROR_CODE_/, ""))}, message: ${JSON.stringify(e.error.message)}, connectCode: ${JSON.stringify(e.error.connectCode || "unknown")} },`,
  );
  return ERROR_CODES_PATHS.map((path) =>
    emitTypeScript(path, "emit-error-codes.ts", [
      `/** What the spec says about one error code. */\nexport interface ErrorCodeInfo {\n  readonly name: string;\n  readonly message: string;\n  /** The Connect code (snake_case name) a server pairs with it. */\n  readonly connectCode: string;\n}`,
      `/** Every error code of the spec (ErrorCode in error_code.proto), by number. */\nexport const errorCodes: Readonly<Record<number, ErrorCodeInfo>> = {\n${rows.join("\n")}\n};`,
    ]),
  );
}
