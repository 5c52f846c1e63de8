// Emits the request validators: one function per message that has documented limits in the spec
// (`(chatwire.v1.rules)`) or holds such a message, returning the first violation with the official code.
import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { emitTypeScript, importPath, type GeneratedFile } from "./generated-file.js";
import type { Spec, SpecFieldRules } from "./load-spec.js";
import type { FieldRules } from "../gen/chatwire/v1/options_pb.js";

export const SERVER_VALIDATORS_PATH = "server/generated/validators.ts";
const INVALID_PARAMETER = 70402;

const INT64_TYPES = [ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64];

function moduleOf(desc: DescMessage): string {
  return `gen/${desc.file.name.replace(/\.proto$/, "")}_pb`;
}

export function emitServerValidators(spec: Spec): GeneratedFile {
  const rulesOf = new Map<DescMessage, Map<DescField, FieldRules>>();
  for (const m of spec.messageRules) rulesOf.set(m.desc, new Map(m.fields.map((f: SpecFieldRules) => [f.field, f.rules])));

  // A message needs a validator when it has rules or holds (transitively) a message that has them.
  const needs = new Map<DescMessage, boolean>();
  const visit = (m: DescMessage, stack: Set<DescMessage>): boolean => {
    const known = needs.get(m);
    if (known !== undefined) return known;
    if (stack.has(m)) return false;
    stack.add(m);
    let result = rulesOf.has(m);
    for (const f of m.fields) {
      const child = f.message;
      if (child && visit(child, stack)) result = true;
    }
    stack.delete(m);
    needs.set(m, result);
    return result;
  };
  // Only what a request can carry needs checking: the RPC inputs and the messages they hold.
  const all = new Set<DescMessage>();
  const reach = (m: DescMessage) => {
    if (all.has(m)) return;
    all.add(m);
    for (const f of m.fields) if (f.message) reach(f.message);
  };
  for (const s of spec.services) for (const m of s.methods) reach(m.desc.input);
  const targets = [...all].filter((m) => visit(m, new Set())).sort((a, b) => a.typeName.localeCompare(b.typeName));

  const typeImports = new Map<string, Set<string>>();
  const valueImports = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, desc: DescMessage, name: string) => {
    const mod = importPath(SERVER_VALIDATORS_PATH, moduleOf(desc));
    if (!map.has(mod)) map.set(mod, new Set());
    map.get(mod)!.add(name);
  };
  const fnName = (m: DescMessage) => `validate${m.typeName.replace(/^chatwire\.v1\./, "").replace(/\./g, "_")}`;
  const tsName = (m: DescMessage) => m.typeName.replace(/^chatwire\.v1\./, "").replace(/\./g, "_");
  let usesToBinary = false;
  const functions: string[] = [];
  const table: string[] = [];
  for (const m of targets) {
    add(typeImports, m, tsName(m));
    const body: string[] = [];
    for (const field of m.fields) {
      const rules = rulesOf.get(m)?.get(field);
      if (rules) {
        const { lines, needsSchema } = checks(field, rules);
        body.push(...lines);
        if (needsSchema && field.message) {
          usesToBinary = true;
          add(valueImports, field.message, `${tsName(field.message)}Schema`);
        }
      }
      if (field.message && needs.get(field.message)) {
        const v = access(field);
        const fn = fnName(field.message);
        if (field.fieldKind === "list") body.push(`  for (const item of ${v}) { const r = ${fn}(item); if (r) return r; }`);
        else if (field.fieldKind === "map") body.push(`  for (const item of Object.values(${v})) { const r = ${fn}(item); if (r) return r; }`);
        else body.push(`  if (${v} !== undefined) { const r = ${fn}(${v}); if (r) return r; }`);
      }
    }
    functions.push(`/** Checks the documented limits of ${m.typeName}. */\nexport function ${fnName(m)}(m: ${tsName(m)}): Violation | undefined {\n${body.join("\n")}\n  return undefined;\n}`);
    table.push(`  ${JSON.stringify(m.typeName)}: ${fnName(m)} as Validator,`);
  }
  // Types and schemas of one module share a file: merge them into one import to keep it tidy.
  const merged = new Map<string, string[]>();
  for (const [mod, names] of typeImports) merged.set(mod, [...names].sort().map((n) => `type ${n}`));
  for (const [mod, names] of valueImports) merged.set(mod, [...(merged.get(mod) ?? []), ...[...names].sort()]);
  return emitTypeScript(SERVER_VALIDATORS_PATH, "emit-server-validators.ts", [
    ...(usesToBinary ? [`import { toBinary } from "@bufbuild/protobuf";`] : []),
    `import { utf8Length, type Violation } from "../validation/violation.js";`,
    ...[...merged].sort(([a], [b]) => a.localeCompare(b)).map(([mod, names]) => `import { ${names.join(", ")} } from ${JSON.stringify(mod)};`),
    `/** A validator of one message. */\nexport type Validator = (message: unknown) => Violation | undefined;`,
    ...functions,
    `/** Message type name → its validator. */\nexport const validators: Readonly<Record<string, Validator>> = {\n${table.join("\n")}\n};`,
  ]);
}

/** How generated code reads a field; a oneof member reads as undefined unless its case is set. */
function access(field: DescField): string {
  return field.oneof
    ? `(m.${field.oneof.localName}.case === ${JSON.stringify(field.localName)} ? m.${field.oneof.localName}.value : undefined)`
    : `m.${field.localName}`;
}

function checks(field: DescField, rules: FieldRules): { lines: string[]; needsSchema: boolean } {
  const code = rules.errorCode || INVALID_PARAMETER;
  const v = access(field);
  const fail = (what: string) => `return { field: ${JSON.stringify(field.name)}, code: ${code}, message: ${JSON.stringify(`${field.name} ${what}`)} };`;
  const out: string[] = [];
  let needsSchema = false;
  const isList = field.fieldKind === "list";
  const isMap = field.fieldKind === "map";
  const scalar = field.fieldKind === "scalar" || (isList && field.listKind === "scalar") ? field.scalar : undefined;
  const isEnum = field.fieldKind === "enum" || (isList && field.listKind === "enum");
  const optional = !isList && !isMap && field.fieldKind !== "message" && (field.presence === 1 /* EXPLICIT */ || field.oneof !== undefined);
  const guard = (cond: string) => (optional ? `${v} !== undefined && (${cond})` : cond);
  const is64 = scalar !== undefined && INT64_TYPES.includes(scalar);
  const num = (n: bigint) => (is64 ? `${n}n` : `${n}`);
  const size = isMap ? `Object.keys(${v}).length` : `${v}.length`;
  if (rules.required) {
    if (isList || isMap) out.push(`  if (${size} === 0) ${fail("is required")}`);
    else if (field.fieldKind === "message") out.push(`  if (${v} === undefined) ${fail("is required")}`);
    else if (isEnum) out.push(`  if (${optional ? `${v} === undefined || ` : ""}${v} === 0) ${fail("is required")}`);
    else if (scalar === ScalarType.STRING || scalar === ScalarType.BYTES) out.push(`  if (${optional ? `${v} === undefined || ` : ""}${v}.length === 0) ${fail("is required")}`);
  }
  if (rules.maxItems > 0 && (isList || isMap)) out.push(`  if (${size} > ${rules.maxItems}) ${fail(`holds more than ${rules.maxItems} items`)}`);
  if (rules.maxBytes > 0) {
    const what = `exceeds ${rules.maxBytes} bytes`;
    if (scalar === ScalarType.STRING || scalar === ScalarType.BYTES) {
      const len = (x: string) => (scalar === ScalarType.STRING ? `utf8Length(${x})` : `${x}.length`);
      if (isList) out.push(`  for (const item of ${v}) if (${len("item")} > ${rules.maxBytes}) ${fail(`item ${what}`)}`);
      else out.push(`  if (${guard(`${len(v)} > ${rules.maxBytes}`)}) ${fail(what)}`);
    } else if (field.message) {
      // On a message field the limit counts its encoded size (e.g. a message body ≤ 12 KB).
      needsSchema = true;
      const schema = `${field.message.typeName.replace(/^chatwire\.v1\./, "").replace(/\./g, "_")}Schema`;
      if (isList) out.push(`  for (const item of ${v}) if (toBinary(${schema}, item).length > ${rules.maxBytes}) ${fail(`item ${what}`)}`);
      else out.push(`  if (${v} !== undefined && toBinary(${schema}, ${v}).length > ${rules.maxBytes}) ${fail(what)}`);
    }
  }
  if (isMap && (rules.maxKeyBytes > 0 || rules.maxValueBytes > 0 || rules.maxTotalBytes > 0)) {
    const stringValues = field.fieldKind === "map" && field.mapKind === "scalar" && field.scalar === ScalarType.STRING;
    const lines = [`  {`, `    let total = 0;`, `    for (const [k, value] of Object.entries(${v})) {`];
    lines.push(`      const keyBytes = utf8Length(k);`);
    if (rules.maxKeyBytes > 0) lines.push(`      if (keyBytes > ${rules.maxKeyBytes}) ${fail(`key exceeds ${rules.maxKeyBytes} bytes`)}`);
    if (stringValues) {
      lines.push(`      const valueBytes = utf8Length(value);`);
      if (rules.maxValueBytes > 0) lines.push(`      if (valueBytes > ${rules.maxValueBytes}) ${fail(`value exceeds ${rules.maxValueBytes} bytes`)}`);
      lines.push(`      total += keyBytes + valueBytes;`);
    } else lines.push(`      total += keyBytes; void value;`);
    lines.push(`    }`);
    if (rules.maxTotalBytes > 0) lines.push(`    if (total > ${rules.maxTotalBytes}) ${fail(`exceeds ${rules.maxTotalBytes} bytes in all`)}`);
    lines.push(`  }`);
    out.push(...lines);
  }
  const numeric = scalar !== undefined && scalar !== ScalarType.STRING && scalar !== ScalarType.BYTES && scalar !== ScalarType.BOOL;
  if (numeric && (rules.minValue !== 0n || rules.maxValue !== 0n)) {
    const cond = (x: string) => [`${x} < ${num(rules.minValue)}`, ...(rules.maxValue !== 0n ? [`${x} > ${num(rules.maxValue)}`] : [])].join(" || ");
    const range = rules.maxValue !== 0n ? `must be within [${rules.minValue}, ${rules.maxValue}]` : `must be at least ${rules.minValue}`;
    if (isList) out.push(`  for (const item of ${v}) if (${cond("item")}) ${fail(range)}`);
    else out.push(`  if (${guard(cond(v))}) ${fail(range)}`);
  }
  return { lines: out, needsSchema };
}
