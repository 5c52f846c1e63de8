// UserSig: Tencent's login ticket (tls-sig-api-v2). Generation matches the npm package byte for byte; verification follows
// the Go library's logic, because the npm package has none. Test vectors: test/auth/user-sig.test.ts.
import { createHmac, timingSafeEqual } from "node:crypto";
import { deflateSync, inflateSync } from "node:zlib";
import { ErrorCode } from "../../gen/chatwire/v1/error_code_pb.js";

/** The outcome of `verifyUserSig`: the signed identity, or an official Tencent error code. */
export type UserSigResult =
  | { ok: true; identifier: string; /** Unix seconds. */ issuedAt: number; /** Unix seconds: issuedAt + expire. */ expireAt: number }
  | { ok: false; code: number; message: string };

export interface VerifyUserSigInput {
  userSig: string;
  sdkAppId: number;
  secretKey: string;
  nowMs: number;
  /** The user ID the client claims; when given, the sig must have been issued for it. */
  userId?: string;
}

export interface GenUserSigInput {
  sdkAppId: number;
  secretKey: string;
  userId: string;
  expireSeconds: number;
  nowMs: number;
}

// Real sigs are about 180 characters; the caps only stop a hostile client from making us inflate a bomb.
const MAX_USER_SIG_CHARS = 8192;
const MAX_INFLATED_BYTES = 64 * 1024;
const BASE64_STD = /^[A-Za-z0-9+/]*={0,2}$/;

/** Returns a UserSig identical to tls-sig-api-v2's `new Api(sdkAppId, secretKey).genUserSig(userId, expireSeconds)` at `nowMs`. */
export function genUserSig(input: GenUserSigInput): string {
  const time = Math.floor(input.nowMs / 1000);
  // Key order and JSON.stringify's compact form are part of the byte-identical output.
  const doc = {
    "TLS.ver": "2.0",
    "TLS.identifier": String(input.userId),
    "TLS.sdkappid": Number(input.sdkAppId),
    "TLS.time": time,
    "TLS.expire": Number(input.expireSeconds),
    "TLS.sig": signature(input.secretKey, String(input.userId), input.sdkAppId, time, input.expireSeconds),
  };
  return escapeBase64(deflateSync(Buffer.from(JSON.stringify(doc))).toString("base64"));
}

/** Checks a UserSig: decodes it, then checks the app, the user, the HMAC (in constant time) and the expiry, in that order. */
export function verifyUserSig(input: VerifyUserSigInput): UserSigResult {
  if (input.userSig === "") return fail(ErrorCode.USER_SIG_EMPTY, "The UserSig is empty.");
  const doc = decode(input.userSig);
  if (doc === undefined) {
    return fail(ErrorCode.USER_SIG_MALFORMED, "The UserSig cannot be decoded: it is not a base64 zlib JSON document of the UserSig format.");
  }
  if (doc.sdkAppId !== input.sdkAppId) return fail(ErrorCode.USER_SIG_APP_MISMATCH, "The UserSig was issued for another SDKAppID.");
  if (input.userId !== undefined && doc.identifier !== input.userId) {
    return fail(ErrorCode.USER_SIG_USER_MISMATCH, "The UserSig was issued for another user ID.");
  }
  // The MAC is recomputed from the decoded fields, never from the compressed bytes: Go emits other key orders and levels.
  const expected = Buffer.from(signature(input.secretKey, doc.identifier, doc.sdkAppId, doc.time, doc.expire));
  const actual = Buffer.from(doc.sig);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return fail(ErrorCode.USER_SIG_SIGNATURE_MISMATCH, "The UserSig signature does not verify with the application's secret key.");
  }
  const expireAt = doc.time + doc.expire;
  // Go's VerifyUserSig: expired iff now > time + expire, so the last second itself still passes.
  if (Math.floor(input.nowMs / 1000) > expireAt) {
    return fail(ErrorCode.USER_SIG_EXPIRED, "The UserSig has expired; generate a new one and log in again.");
  }
  return { ok: true, identifier: doc.identifier, issuedAt: doc.time, expireAt };
}

interface SigDoc {
  identifier: string;
  sdkAppId: number;
  time: number;
  expire: number;
  sig: string;
}

function signature(secretKey: string, identifier: string, sdkAppId: number, time: number, expire: number): string {
  // The console's hex key is used as text, not hex-decoded: that is what every official library does.
  const content =
    `TLS.identifier:${identifier}\n` + `TLS.sdkappid:${sdkAppId}\n` + `TLS.time:${time}\n` + `TLS.expire:${expire}\n`;
  return createHmac("sha256", secretKey).update(content).digest("base64");
}

function decode(userSig: string): SigDoc | undefined {
  if (userSig.length > MAX_USER_SIG_CHARS) return undefined;
  const base64 = unescapeBase64(userSig);
  if (!BASE64_STD.test(base64)) return undefined;
  let json: unknown;
  try {
    const inflated = inflateSync(Buffer.from(base64, "base64"), { maxOutputLength: MAX_INFLATED_BYTES });
    json = JSON.parse(inflated.toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const fields = json as Record<string, unknown>;
  // A userbuf makes it a PrivateMapKey (TRTC room ticket), which is not a login ticket.
  if ("TLS.userbuf" in fields) return undefined;
  const identifier = fields["TLS.identifier"];
  const sdkAppId = fields["TLS.sdkappid"];
  const time = fields["TLS.time"];
  const expire = fields["TLS.expire"];
  const sig = fields["TLS.sig"];
  if (typeof identifier !== "string" || typeof sig !== "string") return undefined;
  if (!isSafeInt(sdkAppId) || !isSafeInt(time) || !isSafeInt(expire)) return undefined;
  return { identifier, sdkAppId, time, expire, sig };
}

function isSafeInt(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

// Tencent's own substitution, not RFC 4648 base64url: '+' → '*', '/' → '-', '=' → '_'.
function escapeBase64(base64: string): string {
  return base64.replace(/\+/g, "*").replace(/\//g, "-").replace(/=/g, "_");
}

function unescapeBase64(userSig: string): string {
  return userSig.replace(/\*/g, "+").replace(/-/g, "/").replace(/_/g, "=");
}

function fail(code: ErrorCode, message: string): UserSigResult {
  return { ok: false, code, message };
}
