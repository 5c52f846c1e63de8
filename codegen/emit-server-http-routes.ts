// Emits the REST route table of the RPCs annotated with `(chatwire.v1.http)`.
import { emitTypeScript, importPath, type GeneratedFile } from "./generated-file.js";
import { handlerKey } from "./emit-server-services.js";
import type { Spec } from "./load-spec.js";

export const SERVER_HTTP_ROUTES_PATH = "server/generated/http-routes.ts";

export function emitServerHttpRoutes(spec: Spec): GeneratedFile {
  const imports = new Map<string, Set<string>>();
  const rows: string[] = [];
  for (const s of spec.services) {
    for (const m of s.methods) {
      const route = m.http;
      if (!route || route.pattern.case === undefined) continue;
      const mod = importPath(SERVER_HTTP_ROUTES_PATH, s.module);
      if (!imports.has(mod)) imports.set(mod, new Set());
      imports.get(mod)!.add(s.desc.name);
      const verb = route.pattern.case.toUpperCase();
      const segments = route.pattern.value.split("/").filter((x) => x.length > 0);
      rows.push(
        `  {\n    verb: ${JSON.stringify(verb)},\n    path: ${JSON.stringify(route.pattern.value)},\n` +
          `    segments: ${JSON.stringify(segments)},\n    body: ${JSON.stringify(route.body)},\n` +
          `    handler: ${JSON.stringify(handlerKey(s.desc.name))},\n    method: ${s.desc.name}.method.${m.desc.localName},\n  },`,
      );
    }
  }
  return emitTypeScript(SERVER_HTTP_ROUTES_PATH, "emit-server-http-routes.ts", [
    `import type { DescMethod } from "@bufbuild/protobuf";`,
    `import type { ServiceHandlers } from "./services.js";`,
    ...[...imports].map(([mod, names]) => `import { ${[...names].sort().join(", ")} } from ${JSON.stringify(mod)};`),
    `/** A REST route of an RPC: path segments are literals or \`{field}\` bindings of the request. */\nexport interface HttpRoute {\n  readonly verb: "GET" | "POST" | "DELETE" | "PUT";\n  readonly path: string;\n  readonly segments: readonly string[];\n  /** "*" maps the JSON body onto the request, a field name onto that field, "" means no body. */\n  readonly body: string;\n  readonly handler: keyof ServiceHandlers;\n  readonly method: DescMethod;\n}`,
    `/** Every REST route of the spec. */\nexport const httpRoutes: readonly HttpRoute[] = [\n${rows.join("\n")}\n];`,
  ]);
}
