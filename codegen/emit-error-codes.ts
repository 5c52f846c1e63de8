// Emits the tables of every error code in the spec. The server's maps a number to its name, message and Connect
// code (its error mapping); the facade's maps a number to its message only, the one thing the facade reads, which
// keeps the browser bundle small. Each side gets its own file: the facade ships to browsers without the server, and
// the server runs without the facade.
import { emitTypeScript, type GeneratedFile } from "./generated-file.js";
import type { Spec } from "./load-spec.js";

export const ERROR_CODES_PATHS = ["server/generated/error-codes.ts", "client/generated/error-codes.ts"] as const;

export function emitErrorCodes(spec: Spec): GeneratedFile[] {
  const rows = spec.errorCodes.map(
    (e) =>
      `  ${e.code}: { name: ${JSON.stringify(e.name.replace(/^ERROR_CODE_/, ""))}, message: ${JSON.stringify(e.error.message)}, connectCode: ${JSON.stringify(e.error.connectCode || "unknown")} },`,
  );
  const messages = spec.errorCodes.map((e) => `  ${e.code}: ${JSON.stringify(e.error.message)},`);
  return [
    emitTypeScript(ERROR_CODES_PATHS[0], "emit-error-codes.ts", [
      `/** What the spec says about one error code. */\nexport interface ErrorCodeInfo {\n  readonly name: string;\n  readonly message: string;\n  /** The Connect code (snake_case name) a server pairs with it. */\n  readonly connectCode: string;\n}`,
      `/** Every error code of the spec (ErrorCode in error_code.proto), by number. */\nexport const errorCodes: Readonly<Record<number, ErrorCodeInfo>> = {\n${rows.join("\n")}\n};`,
    ]),
    emitTypeScript(ERROR_CODES_PATHS[1], "emit-error-codes.ts", [
      `/** The English message of every error code of the spec (ErrorCode in error_code.proto), by number. */\nexport const errorMessages: Readonly<Record<number, string>> = {\n${messages.join("\n")}\n};`,
    ]),
  ];
}
