// Emits the reference server's handler interface (one ServiceImpl per service), the per-method policies read from
// the spec (rate limits, facade bindings) and the router wiring that registers every service.
import { emitTypeScript, importPath, type GeneratedFile } from "./generated-file.js";
import type { Spec } from "./load-spec.js";

export const SERVER_SERVICES_PATH = "server/generated/services.ts";

/** `UserStatusService` → `userStatus`. */
export function handlerKey(serviceName: string): string {
  const base = serviceName.replace(/Service$/, "");
  return base.charAt(0).toLowerCase() + base.slice(1);
}

export function emitServerServices(spec: Spec): GeneratedFile {
  const services = [...spec.services].sort((a, b) => a.desc.name.localeCompare(b.desc.name));
  const imports = new Map<string, string[]>();
  for (const s of services) {
    const mod = importPath(SERVER_SERVICES_PATH, s.module);
    imports.set(mod, [...(imports.get(mod) ?? []), s.desc.name]);
  }
  const fields = services.map((s) => `  /** ${s.desc.typeName} */\n  ${handlerKey(s.desc.name)}: ServiceImpl<typeof ${s.desc.name}>;`);
  const table = services.map((s) => `  ${handlerKey(s.desc.name)}: ${s.desc.name},`);
  const policies: string[] = [];
  for (const s of services) {
    for (const m of s.methods) {
      const parts: string[] = [];
      if (m.facade) parts.push(`facadeMethod: ${JSON.stringify(m.facade.method)}`);
      const rl = m.facade?.rateLimit;
      if (rl && rl.requests > 0) {
        parts.push(
          `rateLimit: { bucket: ${JSON.stringify(rl.bucket)}, requests: ${rl.requests}, windowMs: ${rl.windowMs}, errorCode: ${rl.errorCode} }`,
        );
      }
      if (parts.length > 0) policies.push(`  ${JSON.stringify(`${s.desc.typeName}.${m.desc.name}`)}: { ${parts.join(", ")} },`);
    }
  }
  return emitTypeScript(SERVER_SERVICES_PATH, "emit-server-services.ts", [
    `import type { DescService } from "@bufbuild/protobuf";`,
    `import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";`,
    ...[...imports].sort(([a], [b]) => a.localeCompare(b)).map(([mod, names]) => `import { ${names.sort().join(", ")} } from ${JSON.stringify(mod)};`),
    `/** The implementation of every service of the spec; a server supplies the ones it has built. */\nexport interface ServiceHandlers {\n${fields.join("\n")}\n}`,
    `/** Handler key → service descriptor, for every service of the spec. */\nexport const services = {\n${table.join("\n")}\n} as const;`,
    `/** What the spec says about a method beyond its types: the facade method it serves and its rate limit. */\nexport interface MethodPolicy {\n  readonly facadeMethod?: string;\n  readonly rateLimit?: { readonly bucket: string; readonly requests: number; readonly windowMs: number; readonly errorCode: number };\n}`,
    `/** Method type name ("chatwire.v1.UserStatusService.GetUserStatus") → policy. */\nexport const methodPolicies: Readonly<Record<string, MethodPolicy>> = {\n${policies.join("\n")}\n};`,
    `/**\n * Registers every service of the spec on the router: the given handlers, and for each method a server has not\n * built, the handler \`unimplemented\` returns (a clear "not implemented" error, never silence).\n */\nexport function registerServices(\n  router: ConnectRouter,\n  handlers: Partial<{ [K in keyof ServiceHandlers]: Partial<ServiceHandlers[K]> }>,\n  unimplemented: (service: DescService) => Record<string, unknown>,\n): void {\n  for (const [name, service] of Object.entries(services) as [keyof ServiceHandlers, DescService][]) {\n    router.service(service, { ...unimplemented(service), ...handlers[name] } as never);\n  }\n}`,
  ]);
}
