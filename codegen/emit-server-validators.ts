// Emits the request validators: one function per request message that has documented limits in the spec
// (`(chatwire.v1.rules)`), returning the first violation with the official code.
import { ScalarType, type DescField } from "@bufbuild/protobuf";
import { emitTypeScript, importPath, type GeneratedFile } from "./generated-file.js";
import type { Spec, SpecFieldRules } from "./load-spec.js";

export const SERVER_VALIDATORS_PATH = "server/generated/validators.ts";
const INVALID_PARAMETER = 70402;

export function emitServerValidators(spec: Spec): GeneratedFile {
  const typeImports = new Map<string, string[]>();
  const functions: string[] = [];
  const table: string[] = [];
  for (const m of [...spec.messageRules].sort((a, b) => a.desc.typeName.localeCompare(b.desc.typeName))) {
    const mod = importPath(SERVER_VALIDATORS_PATH, m.module);
    typeImports.set(mod, [...(typeImports.get(mod) ?? []), m.desc.name]);
    const fn = `validate${m.desc.name}`;
    const body = m.fields.flatMap((f) => checks(f)).join("\n");
    functions.push(`/** Checks the documented limits of ${m.desc.typeName}. */\nexport function ${fn}(m: ${m.desc.name}): Violation | undefined {\n${body}\n  return undefined;\n}`);
    table.push(`  ${JSON.stringify(m.desc.typeName)}: ${fn} as Validator,`);
  }
  return emitTypeScript(SERVER_VALIDATORS_PATH, "emit-server-validators.ts", [
    `import { utf8Length, type Violation } from "../validation/violation.js";`,
    ...[...typeImports].sort(([a], [b]) => a.localeCompare(b)).map(([mod, names]) => `import type { ${names.sort().join(", ")} } from ${JSON.stringify(mod)};`),
    `/** A validator of one request message. */\nexport type Validator = (message: unknown) => Violation | undefined;`,
    ...functions,
    `/** Request message type name → its validator. */\nexport const validators: Readonly<Record<string, Validator>> = {\n${table.join("\n")}\n};`,
  ]);
}

function checks({ field, rules }: SpecFieldRules): string[] {
  const code = rules.errorCode || INVALID_PARAMETER;
  const v = `m.${field.localName}`;
  const fail = (what: string) =>
    `return { field: ${JSON.stringify(field.name)}, code: ${code}, message: ${JSON.stringify(`${field.name} ${what}`)} };`;
  const out: string[] = [];
  const isList = field.fieldKind === "list";
  const scalar = field.fieldKind === "scalar" || (field.fieldKind === "list" && field.listKind === "scalar") ? field.scalar : undefined;
  const is64 = scalar !== undefined && [ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64].includes(scalar);
  const num = (n: bigint) => (is64 ? `${n}n` : `${n}`);
  if (rules.required) {
    if (isList || field.fieldKind === "map") out.push(`  if (${sizeOf(field, v)} === 0) ${fail("is required")}`);
    else if (field.fieldKind === "message") out.push(`  if (${v} === undefined) ${fail("is required")}`);
    else if (scalar === ScalarType.STRING || scalar === ScalarType.BYTES) out.push(`  if (${v}.length === 0) ${fail("is required")}`);
  }
  if (rules.maxItems > 0) out.push(`  if (${sizeOf(field, v)} > ${rules.maxItems}) ${fail(`holds more than ${rules.maxItems} items`)}`);
  if (rules.maxBytes > 0 && (scalar === ScalarType.STRING || scalar === ScalarType.BYTES)) {
    const len = (x: string) => (scalar === ScalarType.STRING ? `utf8Length(${x})` : `${x}.length`);
    const what = `exceeds ${rules.maxBytes} bytes`;
    if (isList) out.push(`  for (const item of ${v}) if (${len("item")} > ${rules.maxBytes}) ${fail(`item ${what}`)}`);
    else out.push(`  if (${len(v)} > ${rules.maxBytes}) ${fail(what)}`);
  }
  const numeric = scalar !== undefined && scalar !== ScalarType.STRING && scalar !== ScalarType.BYTES && scalar !== ScalarType.BOOL;
  if (numeric && (rules.minValue !== 0n || rules.maxValue !== 0n)) {
    const cond = (x: string) => {
      const parts = [] as string[];
      if (rules.minValue !== 0n || rules.maxValue !== 0n) parts.push(`${x} < ${num(rules.minValue)}`);
      if (rules.maxValue !== 0n) parts.push(`${x} > ${num(rules.maxValue)}`);
      return parts.join(" || ");
    };
    const range = `must be within [${rules.minValue}, ${rules.maxValue}]`;
    if (isList) out.push(`  for (const item of ${v}) if (${cond("item")}) ${fail(range)}`);
    else out.push(`  if (${cond(v)}) ${fail(range)}`);
  }
  return out;
}

function sizeOf(field: DescField, v: string): string {
  return field.fieldKind === "map" ? `Object.keys(${v}).length` : `${v}.length`;
}
