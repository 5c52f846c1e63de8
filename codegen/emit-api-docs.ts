// Emits docs/api.md, the reference of the protocol, from the proto comments: every service, RPC (with the facade
// method it serves and whether the reference server serves it), message, event, enum and error code. Links point at
// headings by the anchors GitHub gives them (lower case, punctuation dropped, repeats numbered), resolved once every
// heading is known.
import type { DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";
import type { GeneratedFile } from "./generated-file.js";
import { allMessages, commentOf, constantValue, type Spec } from "./load-spec.js";

export const API_DOCS_PATH = "docs/api.md";

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|").trim();
}

/** GitHub's heading anchors: lower case, everything but letters, digits, `_`, `-` and spaces dropped, spaces → `-`. */
export class Slugger {
  private readonly seen = new Map<string, number>();

  slug(heading: string): string {
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
      .replace(/ /g, "-");
    const n = this.seen.get(base) ?? 0;
    this.seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  }
}

/** A link to the heading of a proto type, resolved at the end: `{{#chatwire.v1.Foo}}`. */
function typeLink(typeName: string, name: string): string {
  return typeName.startsWith("chatwire.") ? `[${name}]({{#${typeName}}})` : `\`${typeName}\``;
}

function typeOf(f: DescField): string {
  const base =
    f.fieldKind === "map"
      ? `map<${f.mapKey}, ${f.mapKind === "message" ? f.message.name : f.mapKind === "enum" ? f.enum.name : "scalar"}>`
      : f.message
        ? typeLink(f.message.typeName, f.message.name)
        : f.enum
          ? typeLink(f.enum.typeName, f.enum.name)
          : scalarName(f);
  return f.fieldKind === "list" ? `repeated ${base}` : base;
}

function scalarName(f: DescField): string {
  const proto = f.proto.type;
  const names: Record<number, string> = { 1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 8: "bool", 9: "string", 12: "bytes", 13: "uint32", 17: "sint32", 18: "sint64" };
  return names[proto] ?? "scalar";
}

function rulesText(spec: Spec, m: DescMessage, f: DescField): string {
  const r = spec.messageRules.find((x) => x.desc === m)?.fields.find((x) => x.field === f)?.rules;
  if (!r) return "";
  const parts: string[] = [];
  if (r.required) parts.push("required");
  if (r.maxItems) parts.push(`≤ ${r.maxItems} items`);
  if (r.maxBytes) parts.push(`≤ ${r.maxBytes} bytes`);
  if (r.minValue !== 0n || r.maxValue !== 0n) parts.push(`range [${r.minValue}, ${r.maxValue || "∞"}]`);
  if (r.maxKeyBytes) parts.push(`keys ≤ ${r.maxKeyBytes} bytes`);
  if (r.maxValueBytes) parts.push(`values ≤ ${r.maxValueBytes} bytes`);
  if (r.maxTotalBytes) parts.push(`≤ ${r.maxTotalBytes} bytes in all`);
  if (r.facadeTruncateTo) parts.push(`facade trims to ${r.facadeTruncateTo}`);
  if (r.errorCode) parts.push(`violation → ${r.errorCode}`);
  return parts.join(", ");
}

function messageDoc(spec: Spec, m: DescMessage): string[] {
  const out = [`#### ${m.name} {{=${m.typeName}}}`, "", oneLine(commentOf(m)), ""];
  if (m.fields.length > 0) {
    out.push("| field | type | description | limits |", "|---|---|---|---|");
    for (const f of m.fields) out.push(`| \`${f.name}\` | ${typeOf(f)} | ${oneLine(commentOf(f))} | ${rulesText(spec, m, f)} |`);
    out.push("");
  }
  return out;
}

function enumDoc(e: DescEnum, spec: Spec): string[] {
  const constants = new Map(spec.constantEnums.find((c) => c.desc === e)?.values.map((v) => [v.number, v.constant]) ?? []);
  const errors = new Set(spec.errorCodes.map((c) => c.name));
  if (e.values.some((v) => errors.has(v.name))) return []; // error codes get their own table
  const out = [`#### ${e.name} {{=${e.typeName}}}`, "", oneLine(commentOf(e)), "", "| value | number | official constant | description |", "|---|---|---|---|"];
  for (const v of e.values) {
    const c = constants.get(v.number);
    const official = c ? `\`${[c.name, ...c.aliases].join("`, `")}\` = \`${JSON.stringify(constantValue(c))}\`` : "";
    out.push(`| \`${v.name}\` | ${v.number} | ${official} | ${oneLine(commentOf(v))} |`);
  }
  out.push("");
  return out;
}

/** Replaces `{{=type}}` heading markers and `{{#type}}` / `{{#file:…}}` link markers with GitHub anchors. */
function resolveAnchors(lines: string[]): string {
  const slugger = new Slugger();
  const anchors = new Map<string, string>();
  const headings = lines.map((line) => {
    const heading = /^(#{1,6}) (.*?)(?: \{\{=([^}]+)\}\})?$/.exec(line);
    if (!heading) return line;
    const text = heading[2]!;
    const slug = slugger.slug(text);
    anchors.set(heading[3] ?? `heading:${text}`, slug);
    return `${heading[1]} ${text}`;
  });
  return headings
    .join("\n")
    .replace(/\{\{#([^}]+)\}\}/g, (_, key: string) => {
      const slug = anchors.get(key);
      if (slug === undefined) throw new Error(`docs/api.md: no heading for ${key}`);
      return `#${slug}`;
    });
}

/** `served`: the RPCs the reference server implements ("chatwire.v1.Service.Method"), as coverage:api finds them. */
export function emitApiDocs(spec: Spec, served: ReadonlySet<string>): GeneratedFile {
  const rpcs = spec.services.flatMap((s) => s.methods.map((m) => `${s.desc.typeName}.${m.desc.name}`));
  const servedCount = rpcs.filter((r) => served.has(r)).length;
  const out: string[] = [
    "<!-- Code generated by codegen/emit-api-docs.ts from proto/chatwire/v1. DO NOT EDIT. -->",
    "",
    "# Chatwire protocol reference",
    "",
    "Generated from the comments of `proto/chatwire/v1`. Each RPC names the `TencentCloudChat` method it serves;",
    "methods the facade implements locally are listed per file. Errors carry `chatwire.v1.ErrorDetail` with the",
    "official numeric code (see [Error codes]({{#heading:Error codes}})).",
    "",
    `The reference server serves ${servedCount} of these ${rpcs.length} RPCs (marked **served**); the others answer`,
    "`990001` (not implemented) until their domain is built. The marks come from the same data as `npm run coverage:api`.",
    "",
    "## Contents",
    "",
  ];
  for (const f of spec.files) {
    const fileServed = spec.services.filter((x) => x.desc.file === f).flatMap((x) => x.methods.map((m) => `${x.desc.typeName}.${m.desc.name}`));
    const count = fileServed.length > 0 ? ` — ${fileServed.filter((r) => served.has(r)).length}/${fileServed.length} RPCs served` : "";
    out.push(`- [${f.name}]({{#heading:${f.name}}})${count}`);
  }
  out.push("- [Error codes]({{#heading:Error codes}})", "");
  for (const file of spec.files) {
    out.push(`## ${file.name}`, "");
    const clientMethods = spec.clientMethods.filter((c) => c.file === file.name);
    if (clientMethods.length > 0) {
      out.push("Facade methods implemented on the client:", "", "| method | domain | why no RPC |", "|---|---|---|");
      for (const c of clientMethods) out.push(`| \`${c.name}\` | ${c.domain} | ${oneLine(c.reason)} |`);
      out.push("");
    }
    for (const s of spec.services.filter((x) => x.desc.file === file)) {
      out.push(`### ${s.desc.typeName}`, "", oneLine(commentOf(s.desc)), "", "| RPC | reference server | facade method | REST | description |", "|---|---|---|---|---|");
      for (const m of s.methods) {
        const kind = m.desc.methodKind === "server_streaming" ? " (server stream)" : "";
        const rest = m.http?.pattern.case ? `\`${m.http.pattern.case.toUpperCase()} ${m.http.pattern.value}\`` : "";
        const status = served.has(`${s.desc.typeName}.${m.desc.name}`) ? "**served**" : "not yet (990001)";
        out.push(`| \`${m.desc.name}\`${kind}<br>${typeLink(m.desc.input.typeName, m.desc.input.name)} → ${typeLink(m.desc.output.typeName, m.desc.output.name)} | ${status} | ${m.facade ? `\`${m.facade.method}\`` : ""} | ${rest} | ${oneLine(commentOf(m.desc))} |`);
      }
      out.push("");
    }
    const messages = [...allMessages(file.messages)];
    if (messages.length > 0) {
      out.push("### Messages", "");
      for (const m of messages) out.push(...messageDoc(spec, m));
    }
    const enums = [...file.enums, ...messages.flatMap((m) => m.nestedEnums)];
    const enumLines = enums.flatMap((e) => enumDoc(e, spec));
    if (enumLines.length > 0) out.push("### Enums", "", ...enumLines);
  }
  out.push("## Error codes", "", "| code | name | Connect code | official names | message |", "|---|---|---|---|---|");
  for (const e of spec.errorCodes) {
    const names = [e.error.chatName && `chat: \`${e.error.chatName}\``, e.error.timName && `TIM: \`${e.error.timName}\``].filter(Boolean).join("<br>");
    out.push(`| ${e.code} | \`${e.name.replace(/^ERROR_CODE_/, "")}\` | ${e.error.connectCode || ""} | ${names} | ${oneLine(e.error.message)} |`);
  }
  out.push("");
  return { path: API_DOCS_PATH, content: resolveAnchors(out) };
}
