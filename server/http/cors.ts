// Cross-origin access for browser apps: the facade runs in pages served from the app's own origin and calls the
// server with Connect over fetch. Auth is a bearer token, never a cookie, so allowing any origin by default does not
// expose ambient credentials; `corsOrigins` narrows it.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { cors } from "@connectrpc/connect";

const ALLOW_METHODS = [...cors.allowedMethods, "DELETE"].join(", ");
/** Authorization carries the session token; X-Chatwire-File-Name names an upload (POST /chatwire/files). */
const ALLOW_HEADERS = [...cors.allowedHeaders, "Authorization", "X-Chatwire-File-Name"].join(", ");
const EXPOSE_HEADERS = cors.exposedHeaders.join(", ");

/** "*" for any origin, or the exact origins allowed. */
export type CorsOrigins = "*" | readonly string[];

/**
 * Adds CORS headers for an allowed origin; answers a preflight itself. Returns true when the request was a
 * preflight and needs nothing more.
 */
export function applyCors(
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
  origins: CorsOrigins,
): boolean {
  const origin = req.headers["origin"];
  if (typeof origin !== "string") return false;
  const allowed = origins === "*" || origins.includes(origin);
  const out = res as ServerResponse;
  if (allowed) {
    out.setHeader("access-control-allow-origin", origins === "*" ? "*" : origin);
    if (origins !== "*") out.setHeader("vary", "Origin");
    out.setHeader("access-control-expose-headers", EXPOSE_HEADERS);
  }
  if (req.method !== "OPTIONS" || req.headers["access-control-request-method"] === undefined) return false;
  if (allowed) {
    out.setHeader("access-control-allow-methods", ALLOW_METHODS);
    out.setHeader("access-control-allow-headers", ALLOW_HEADERS);
    out.setHeader("access-control-max-age", "7200");
  }
  out.writeHead(allowed ? 204 : 403).end();
  return true;
}
