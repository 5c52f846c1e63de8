// The one place a request's path is parsed. The dispatcher, the REST router and the raw event stream all take its
// result, so no two parts of the server can read one path two ways. A path is canonical or refused: malformed
// %-escapes, empty segments (`//`) and dot segments (`.`, `..`, also %-encoded) answer 400 instead of being
// normalised, since a router that normalises differently from a proxy in front of it is how paths get confused.

export type RequestPath =
  | { ok: true; /** The raw path, without the query. */ path: string; /** Decoded segments. */ segments: string[]; query: string }
  | { ok: false; reason: string };

export function parseRequestPath(url: string | undefined): RequestPath {
  const raw = url ?? "/";
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? "" : raw.slice(q + 1);
  if (!path.startsWith("/")) return { ok: false, reason: "the path must start with /" };
  const parts = path.slice(1).split("/");
  // One trailing slash is tolerated (`/healthz/`); an empty segment anywhere else is not.
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  const segments: string[] = [];
  for (const part of parts) {
    if (part === "" && path !== "/") return { ok: false, reason: "the path has an empty segment" };
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return { ok: false, reason: "the path has a malformed %-escape" };
    }
    if (segment === "." || segment === "..") return { ok: false, reason: "the path has a dot segment" };
    if (segment !== "") segments.push(segment);
  }
  return { ok: true, path, segments, query };
}
