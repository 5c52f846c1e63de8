// Emits the facade's method table: every official method, bound to its RPC or declared client-side.
import { emitTypeScript, importPath, key, type GeneratedFile } from "./generated-file.js";
import type { Spec } from "./load-spec.js";

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
    `/** Event-union variant (oneof case) → the official EVENT or TSignaling key it raises. */\nexport const eventVariants = {\n${events.join("\n")}\n} as const;`,
  ]);
}
