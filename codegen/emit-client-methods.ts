// Emits the facade's method table: every official method, bound to its RPC or declared client-side.
import { emitTypeScript, importPath, key, type GeneratedFile } from "./generated-file.js";
import type { Spec } from "./load-spec.js";
import type { FacadeSignature } from "../gen/chatwire/v1/options_pb.js";

/** The official-method entry: allow-list, sync flag, parameter names and the official parameter check. */
function officialEntry(name: string, domain: string, allowedBeforeReady: boolean, sig: FacadeSignature | undefined): string {
  const rule = (r: FacadeSignature["paramRules"][number], positional: boolean) => {
    const parts = [...(positional ? [`name: ${JSON.stringify(r.name)}`] : []), `type: ${JSON.stringify(r.type)}`];
    if (r.required) parts.push("required: true");
    if (r.hasCustomValidator) parts.push("hasCustomValidator: true");
    return `{ ${parts.join(", ")} }`;
  };
  const rules = sig?.paramRules ?? [];
  const schema =
    rules.length === 0
      ? "null"
      : sig!.positionalRules
        ? `[${rules.map((r) => rule(r, true)).join(", ")}]`
        : `{ ${rules.map((r) => `${key(r.name)}: ${rule(r, false)}`).join(", ")} }`;
  return (
    `  ${key(name)}: {\n    domain: ${JSON.stringify(domain)}, allowedBeforeReady: ${allowedBeforeReady}, sync: ${sig?.sync ?? false}, ` +
    `params: ${JSON.stringify(sig?.params ?? [])},\n    schema: ${schema},\n  },`
  );
}

export const CLIENT_METHODS_PATH = "client/generated/methods.ts";

export function emitClientMethods(spec: Spec): GeneratedFile {
  const imports = new Map<string, Set<string>>();
  const rows: string[] = [];
  for (const service of spec.services) {
    for (const m of service.methods) {
      if (!m.facade) continue;
      const mod = importPath(CLIENT_METHODS_PATH, service.module);
      if (!imports.has(mod)) imports.set(mod, new Set());
      imports.get(mod)!.add(service.desc.name);
      const truncate = m.desc.input.fields
        .flatMap((f) => {
          const rule = spec.messageRules.find((r) => r.desc === m.desc.input)?.fields.find((x) => x.field === f)?.rules;
          return rule && rule.facadeTruncateTo > 0 ? [`${key(f.localName)}: ${rule.facadeTruncateTo}`] : [];
        })
        .join(", ");
      rows.push(
        `  {\n    name: ${JSON.stringify(m.facade.method)},\n    domain: ${JSON.stringify(m.facade.domain)},\n` +
          `    method: ${service.desc.name}.method.${m.desc.localName},\n` +
          `    allowedBeforeReady: ${m.facade.allowedBeforeReady},\n    truncate: { ${truncate} },\n  },`,
      );
    }
  }
  const clientRows = spec.clientMethods.map(
    (c) =>
      `  { name: ${JSON.stringify(c.name)}, domain: ${JSON.stringify(c.domain)}, allowedBeforeReady: ${c.allowedBeforeReady} },`,
  );
  const official = [
    ...spec.services.flatMap((s) => s.methods.flatMap((m) => (m.facade ? [officialEntry(m.facade.method, m.facade.domain, m.facade.allowedBeforeReady, m.facade.signature)] : []))),
    ...spec.clientMethods.map((c) => officialEntry(c.name, c.domain, c.allowedBeforeReady, c.signature)),
  ];
  const events = spec.eventVariants.map((v) => `  ${key(v.field.localName)}: ${JSON.stringify(v.name)},`);
  return emitTypeScript(CLIENT_METHODS_PATH, "emit-client-methods.ts", [
    `import type { DescMethod } from "@bufbuild/protobuf";`,
    ...[...imports].sort(([a], [b]) => a.localeCompare(b)).map(
      ([mod, names]) => `import { ${[...names].sort().join(", ")} } from ${JSON.stringify(mod)};`,
    ),
    `/** An official method the facade serves with an RPC. */\nexport interface RpcMethodBinding {\n  readonly name: string;\n  readonly domain: string;\n  readonly method: DescMethod;\n  readonly allowedBeforeReady: boolean;\n  /** Request field (local name) → the length the official SDK trims an over-long list to. */\n  readonly truncate: Readonly<Record<string, number>>;\n}`,
    `/** An official method the facade implements locally. */\nexport interface ClientMethodBinding {\n  readonly name: string;\n  readonly domain: string;\n  readonly allowedBeforeReady: boolean;\n}`,
    `/** Official methods served by an RPC, in spec order. */\nexport const rpcMethods = [\n${rows.join("\n")}\n] as const satisfies readonly RpcMethodBinding[];`,
    `/** Official methods the facade implements without an RPC. */\nexport const clientMethods = [\n${clientRows.join("\n")}\n] as const satisfies readonly ClientMethodBinding[];`,
    `/** The name of an official method served by an RPC. */\nexport type RpcMethodName = (typeof rpcMethods)[number]["name"];`,
    `/** The name of an official method implemented on the client. */\nexport type ClientMethodName = (typeof clientMethods)[number]["name"];`,
    `/** One rule of the official runtime parameter check. */\nexport interface ParamRule {\n  /** The expected type, as the official table spells it ("String", "Array", "Object", ...). */\n  readonly type: string;\n  /** Whether an empty value (undefined, null, "", [], 0, {}) fails. */\n  readonly required?: boolean;\n  /** Whether the official SDK adds a custom check (client/param-validators.ts). */\n  readonly hasCustomValidator?: boolean;\n  /** The parameter name, for positional schemas. */\n  readonly name?: string;\n}`,
    `/** Object form: rules for the keys of the single options argument. Array form: rules for positional arguments. */\nexport type ParamSchema = Readonly<Record<string, ParamRule>> | readonly ParamRule[];`,
    `/** What the facade needs to know about one official method. */\nexport interface OfficialMethod {\n  /** The domain the official method list files it under. */\n  readonly domain: string;\n  /** Whether the official middleware lets the call through before SDK_READY. */\n  readonly allowedBeforeReady: boolean;\n  /** Whether the method is declared synchronous (returns a value, not a Promise). */\n  readonly sync: boolean;\n  /** The declared positional parameter names ("options" for an options object). */\n  readonly params: readonly string[];\n  /** The official runtime parameter check; null when the official SDK validates nothing up front. */\n  readonly schema: ParamSchema | null;\n}`,
    `/** Every official method (RPC-bound and client-side) with its signature, from the spec's facade options. */\nexport const officialMethods = {\n${official.join("\n")}\n} as const satisfies Readonly<Record<string, OfficialMethod>>;`,
    `/** The name of an official method. */\nexport type OfficialMethodName = keyof typeof officialMethods;`,
    `/** Event-union variant (oneof case) → the official EVENT or TSignaling key it raises. */\nexport const eventVariants = {\n${events.join("\n")}\n} as const;`,
  ]);
}
