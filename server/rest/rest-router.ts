// Serves the RPCs the spec annotates with `(chatwire.v1.http)` as REST, from the generated route table: path
// bindings and the JSON body become the request, the administrator's UserSig authenticates, and the response is the
// message in proto JSON with proto field names (the Easemob shapes).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { create, fromJson, toJson, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { createHandlerContext } from "@connectrpc/connect";
import type { Logger } from "pino";
import { httpRoutes, type HttpRoute } from "../generated/http-routes.js";
import type { ServiceHandlers } from "../generated/services.js";
import { validators } from "../generated/validators.js";
import type { Clock } from "../clock.js";
import { bearerToken } from "../http/bearer-token.js";
import { verifyAdmin } from "../rpc/admin-auth.js";
import { officialCodeOf, messageOf } from "../rpc/chat-error.js";
import { errorCodes } from "../generated/error-codes.js";

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

export interface RestDeps {
  handlers: Partial<{ [K in keyof ServiceHandlers]: Partial<ServiceHandlers[K]> }>;
  clock: Clock;
  sdkAppId: number;
  secretKey: string;
  logger: Logger;
  maxBodyBytes?: number;
}

const httpStatusOfConnect: Record<string, number> = {
  invalid_argument: 400,
  out_of_range: 400,
  failed_precondition: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  aborted: 409,
  resource_exhausted: 429,
  unimplemented: 501,
};

function match(route: HttpRoute, verb: string, segments: string[]): Record<string, string> | undefined {
  if (route.verb !== verb || route.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const pattern = route.segments[i]!;
    if (pattern.startsWith("{")) params[pattern.slice(1, -1)] = decodeURIComponent(segments[i]!);
    else if (pattern !== segments[i]) return undefined;
  }
  return params;
}

/** Routes with fewer bindings first, so a literal segment (`sublist`) wins over a binding (`{expiry}`). */
const orderedRoutes = [...httpRoutes].sort(
  (a, b) => a.segments.filter((s) => s.startsWith("{")).length - b.segments.filter((s) => s.startsWith("{")).length,
);

export function findRoute(verb: string, path: string): { route: HttpRoute; params: Record<string, string> } | undefined {
  const segments = path.split("/").filter((s) => s.length > 0);
  for (const route of orderedRoutes) {
    const params = match(route, verb, segments);
    if (params) return { route, params };
  }
  return undefined;
}

async function readBody(req: Request, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RestError(413, "request_entity_too_large", `body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

class RestError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly code?: number,
  ) {
    super(description);
  }
}

function send(res: Response, status: number, body: JsonValue): void {
  const text = JSON.stringify(body);
  (res as ServerResponse).writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  (res as ServerResponse).end(text);
}

/** Handles a REST request when a route matches; returns false to let the RPC router have it. */
export async function handleRest(req: Request, res: Response, deps: RestDeps): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const found = findRoute(req.method ?? "GET", url.pathname);
  if (!found) return false;
  const { route, params } = found;
  const started = deps.clock.now();
  try {
    const authCode = verifyAdmin(bearerToken(req.headers["authorization"]), deps);
    if (authCode !== 0) throw new RestError(401, "unauthorized", `administrator token required: ${messageOf(authCode)}`, authCode);

    const json: JsonObject = {};
    for (const [k, v] of url.searchParams) json[k] = v;
    if (route.body !== "") {
      const text = await readBody(req, deps.maxBodyBytes ?? 1 << 20);
      const body: unknown = text.trim() === "" ? {} : parseJson(text);
      if (route.body === "*") {
        if (typeof body !== "object" || body === null || Array.isArray(body)) throw new RestError(400, "illegal_argument", "the body must be a JSON object");
        Object.assign(json, body);
      } else if (Array.isArray(body)) json[route.body] = body as JsonValue;
      else if (typeof body === "object" && body !== null) json[route.body] = (body as JsonObject)[route.body] ?? [];
      else throw new RestError(400, "illegal_argument", `the body must be a JSON array or an object with "${route.body}"`);
    }
    Object.assign(json, params);
    let message;
    try {
      message = fromJson(route.method.input, json, { ignoreUnknownFields: true });
    } catch (err) {
      throw new RestError(400, "illegal_argument", `invalid request: ${(err as Error).message}`);
    }
    const violation = validators[route.method.input.typeName]?.(message);
    if (violation) throw new RestError(400, "illegal_argument", violation.message, violation.code);

    const service = deps.handlers[route.handler] as Record<string, (req: unknown, ctx: unknown) => Promise<unknown>> | undefined;
    const impl = service?.[route.method.localName];
    if (!impl) throw new RestError(501, "not_implemented", messageOf(990001), 990001);
    const ctx = createHandlerContext({
      service: route.method.parent,
      method: route.method,
      protocolName: "rest",
      requestMethod: req.method ?? "GET",
      url: url.toString(),
      requestHeader: Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])),
    });
    const output = create(route.method.output, (await impl.call(service, message, ctx)) as never);
    send(res, 200, toJson(route.method.output, output, { useProtoFieldName: true, alwaysEmitImplicit: true }));
  } catch (err) {
    if (err instanceof RestError) {
      send(res, err.status, restErrorBody(err.error, err.description, err.code, started, deps.clock.now()));
    } else {
      const code = officialCodeOf(err);
      if (code === undefined) deps.logger.error({ err }, "REST handler failed");
      const info = code === undefined ? undefined : errorCodes[code];
      const status = info ? (httpStatusOfConnect[info.connectCode] ?? 500) : 500;
      const description = code === undefined ? "internal error" : (err as Error).message.replace(/^\[\w+\] /, "");
      send(res, status, restErrorBody(info?.connectCode ?? "internal", description, code, started, deps.clock.now()));
    }
  }
  return true;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RestError(400, "illegal_argument", "the body is not valid JSON");
  }
}

/** Easemob's error body, plus the official numeric code. */
function restErrorBody(error: string, description: string, code: number | undefined, started: number, now: number): JsonObject {
  return { error, error_description: description, code: code ?? 0, timestamp: now, duration: now - started };
}
