// The credential every call carries: `authorization: Bearer <token>` (a session token, or the administrator's UserSig).

/** The token of an `authorization` header value; "" when there is none. */
export function bearerToken(header: string | string[] | null | undefined): string {
  return typeof header === "string" && header.startsWith("Bearer ") ? header.slice(7).trim() : "";
}
