// UserSig generation and verification against the vectors in usersig.md and the real tls-sig-api-v2 package.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import { deflateSync } from "node:zlib";
import { genUserSig, verifyUserSig } from "../../server/auth/user-sig.js";

const require = createRequire(import.meta.url);
const TlsSigApi = require("tls-sig-api-v2") as {
  Api: new (sdkAppId: number, key: string) => { genUserSig(userId: string, expire: number): string };
};

const SDK_APP_ID = 1400000000;
const KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const EXPIRE = 86400;

// Vectors (a), (b), (c) of usersig.md with their TLS.time.
const VECTOR_A = {
  time: 1700000000,
  sig: "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwok5mcmpUInilOzEgoLMFCUrQxMDKIDIlGTmpipZGZqjiqZWFGQWpSpZWZiZwISKM9OVrJTM3HOzsrxyPA2i0spSspwNCr0q3bI8svN8Cj3DUos8zYoKvPzTwyvS0g2zbZVqAZcSMWk_",
};
const VECTOR_B = {
  time: 1795299347,
  sig: "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwok5mcmpUInilOzEgoLMFCUrQxMDKIDIlGTmpipZGZpbmhpZWhqbmENEUysKMotSlawszExgCosz05WslIqz8zNLKoMLi9wNTfxLygONyvV9kzLMMjKy3aJKXILMHcvNip1Ssrwio8ptlWoBs0oxmg__",
};
const VECTOR_C = {
  time: 1700000000,
  sig: "eAEBpwBY-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoiYWxpY2UiLCJUTFMuc2RrYXBwaWQiOjE0MDAwMDAwMDAsIlRMUy5leHBpcmUiOjg2NDAwLCJUTFMudGltZSI6MTcwMDAwMDAwMCwiVExTLnNpZyI6IjZHbWpqSmxJMFpmdmRqQzBxSnlGakhrbkxxSVZlckk2cnBKT2dXeGZnMWs9In0K1-sxcw__",
};

function realGenUserSig(sdkAppId: number, key: string, userId: string, expire: number, nowMs: number): string {
  const realNow = Date.now;
  Date.now = () => nowMs;
  try {
    return new TlsSigApi.Api(sdkAppId, key).genUserSig(userId, expire);
  } finally {
    Date.now = realNow;
  }
}

function verify(userSig: string, nowMs: number, overrides: { secretKey?: string; sdkAppId?: number; userId?: string } = {}) {
  return verifyUserSig({ userSig, sdkAppId: SDK_APP_ID, secretKey: KEY, nowMs, userId: "alice", ...overrides });
}

function escape(buf: Buffer): string {
  return buf.toString("base64").replace(/\+/g, "*").replace(/\//g, "-").replace(/=/g, "_");
}

describe("verifyUserSig", () => {
  for (const [name, vector] of Object.entries({ a: VECTOR_A, b: VECTOR_B, "c (Go, level 0)": VECTOR_C })) {
    test(`accepts usersig.md vector ${name}`, () => {
      const result = verify(vector.sig, (vector.time + 60) * 1000);
      assert.deepEqual(result, { ok: true, identifier: "alice", issuedAt: vector.time, expireAt: vector.time + EXPIRE });
    });
  }

  test("accepts sigs from the real tls-sig-api-v2 package", () => {
    for (const [userId, expire, nowMs] of [
      ["alice", 86400, 1_700_000_000_123],
      ["bob_42", 180 * 86400, 1_750_000_000_999],
      ["user-x", 1, 1_600_000_000_000],
    ] as const) {
      const sig = realGenUserSig(SDK_APP_ID, KEY, userId, expire, nowMs);
      const result = verify(sig, nowMs, { userId });
      assert.equal(result.ok, true, `${userId}: ${JSON.stringify(result)}`);
    }
  });

  test("omitting userId accepts any identifier", () => {
    assert.deepEqual(verifyUserSig({ userSig: VECTOR_A.sig, sdkAppId: SDK_APP_ID, secretKey: KEY, nowMs: VECTOR_A.time * 1000 }), {
      ok: true,
      identifier: "alice",
      issuedAt: VECTOR_A.time,
      expireAt: VECTOR_A.time + EXPIRE,
    });
  });

  test("rejects a wrong key with 70009", () => {
    const result = verify(VECTOR_A.sig, VECTOR_A.time * 1000, { secretKey: KEY.replace(/^5/, "6") });
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.code, 70009);
  });

  test("rejects the hex-decoded key with 70009", () => {
    const result = verify(VECTOR_C.sig, VECTOR_C.time * 1000, { secretKey: Buffer.from(KEY, "hex").toString("latin1") });
    assert.equal(!result.ok && result.code, 70009);
  });

  test("rejects another user with 70013", () => {
    const result = verify(VECTOR_A.sig, VECTOR_A.time * 1000, { userId: "bob" });
    assert.equal(!result.ok && result.code, 70013);
  });

  test("rejects another app with 70014", () => {
    const result = verify(VECTOR_A.sig, VECTOR_A.time * 1000, { sdkAppId: 1400000001 });
    assert.equal(!result.ok && result.code, 70014);
  });

  test("rejects garbage with 70003", () => {
    const notJson = escape(deflateSync(Buffer.from("not json")));
    const missingSig = escape(
      deflateSync(Buffer.from(JSON.stringify({ "TLS.ver": "2.0", "TLS.identifier": "alice", "TLS.sdkappid": SDK_APP_ID, "TLS.time": 1, "TLS.expire": 1 }))),
    );
    const userbuf = escape(
      deflateSync(
        Buffer.from(
          JSON.stringify({
            "TLS.ver": "2.0",
            "TLS.identifier": "alice",
            "TLS.sdkappid": SDK_APP_ID,
            "TLS.time": 1,
            "TLS.expire": 1,
            "TLS.userbuf": "AAA=",
            "TLS.sig": "x",
          }),
        ),
      ),
    );
    const stringTime = escape(
      deflateSync(
        Buffer.from(
          JSON.stringify({ "TLS.identifier": "alice", "TLS.sdkappid": SDK_APP_ID, "TLS.time": "1", "TLS.expire": 1, "TLS.sig": "x" }),
        ),
      ),
    );
    for (const sig of ["garbage!", "eJyrVgrxCdYr", "YWJj", notJson, missingSig, userbuf, stringTime, VECTOR_A.sig.slice(0, 100)]) {
      const result = verify(sig, VECTOR_A.time * 1000);
      assert.equal(!result.ok && result.code, 70003, sig);
    }
  });

  test('rejects "" with 70002', () => {
    const result = verify("", VECTOR_A.time * 1000);
    assert.equal(!result.ok && result.code, 70002);
  });

  test("accepts exactly time+expire and rejects one second later with 70001", () => {
    const last = (VECTOR_A.time + EXPIRE) * 1000;
    assert.equal(verify(VECTOR_A.sig, last).ok, true);
    assert.equal(verify(VECTOR_A.sig, last + 999).ok, true);
    const result = verify(VECTOR_A.sig, last + 1000);
    assert.equal(!result.ok && result.code, 70001);
  });
});

describe("genUserSig", () => {
  test("reproduces vector (a)", () => {
    assert.equal(genUserSig({ sdkAppId: SDK_APP_ID, secretKey: KEY, userId: "alice", expireSeconds: EXPIRE, nowMs: 1700000000000 }), VECTOR_A.sig);
  });

  test("is byte-identical to tls-sig-api-v2 with the same clock", () => {
    for (const [sdkAppId, key, userId, expire, nowMs] of [
      [SDK_APP_ID, KEY, "alice", 86400, 1_795_299_347_500],
      [1400123456, "another-secret", "bob_42", 604800, 1_700_000_000_999],
      [20000001, KEY, "中文用户", 1, 1_234_567_890_000],
    ] as const) {
      const ours = genUserSig({ sdkAppId, secretKey: key, userId, expireSeconds: expire, nowMs });
      assert.equal(ours, realGenUserSig(sdkAppId, key, userId, expire, nowMs));
      assert.equal(verifyUserSig({ userSig: ours, sdkAppId, secretKey: key, nowMs, userId }).ok, true);
    }
  });
});
