// The fuzzer: random and mutated requests against a real server, for every RPC of the spec (derived from the
// generated service descriptors, so a new domain is covered without touching this file), the REST routes, and odd
// paths and headers, over HTTP/1.1 and h2c. A request "fails" when the server answers a client's mistake with a 5xx
// (other than 501 for a method not built yet), does not answer, or when a process fault is counted.
import http from "node:http";
import http2 from "node:http2";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { create, toBinary, toJsonString, ScalarType, type DescField, type DescMessage, type DescMethod } from "@bufbuild/protobuf";
import { httpRoutes } from "../../server/generated/http-routes.js";
import { services } from "../../server/generated/services.js";
import type { RunningServer } from "../../server/index.js";
import { adminHeaders, login } from "./helpers.js";

/** Every unary and server-streaming RPC of the spec. */
export const specMethods: readonly DescMethod[] = Object.values(services).flatMap((s) => s.methods as readonly DescMethod[]);

export interface FuzzRequest {
  transport: "h1" | "h2";
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** The RPC it targets, for coverage counts ("" for REST routes and odd paths). */
  rpc: string;
}

export interface FuzzAnswer {
  status: number;
  body: string;
}

// ---- messages from descriptors

const str = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("", "__proto__", "constructor", "administrator", "a".repeat(33), "../x", "%00", "\u0000", "😀".repeat(20)),
);
const int32 = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31)));
const int64 = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(0n, -1n, 2n ** 63n - 1n));
const uint64 = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 2n ** 64n - 1n));

function scalar(type: ScalarType): fc.Arbitrary<unknown> {
  switch (type) {
    case ScalarType.STRING:
      return str;
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 32 });
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return fc.double();
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return int64;
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return uint64;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return fc.nat({ max: 2 ** 32 - 1 });
    default:
      return int32;
  }
}

function fieldValue(field: DescField, depth: number): fc.Arbitrary<unknown> {
  const element = (kind: { scalar?: ScalarType; enum?: { values: readonly { number: number }[] }; message?: DescMessage }): fc.Arbitrary<unknown> => {
    if (kind.message) return depth > 0 ? messageInit(kind.message, depth - 1) : fc.constant({});
    if (kind.enum) return fc.oneof(fc.constantFrom(...kind.enum.values.map((v) => v.number)), fc.integer({ min: -5, max: 200 }));
    return scalar(kind.scalar ?? ScalarType.STRING);
  };
  switch (field.fieldKind) {
    case "list":
      return fc.array(element({ scalar: field.scalar, enum: field.enum, message: field.message }), { maxLength: 4 });
    case "map":
      return fc.dictionary(fc.string({ maxLength: 8 }), element({ scalar: field.scalar, enum: field.enum, message: field.message }), { maxKeys: 3 }).map((d) => {
        // Map keys of integer kinds must be integers in text.
        if (field.mapKey === ScalarType.STRING) return d;
        return Object.fromEntries(Object.entries(d).map(([, v], i) => [String(i), v]));
      });
    case "message":
      return element({ message: field.message });
    case "enum":
      return element({ enum: field.enum });
    default:
      return element({ scalar: field.scalar });
  }
}

/** An init object for `desc` with a random subset of its fields set (oneofs: at most one case). */
function messageInit(desc: DescMessage, depth = 2): fc.Arbitrary<Record<string, unknown>> {
  const plain = desc.fields.filter((f) => !f.oneof);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of plain) record[f.localName] = fieldValue(f, depth);
  const base = fc.record(record, { requiredKeys: [] });
  if (desc.oneofs.length === 0) return base;
  const oneofs = desc.oneofs.map((o) =>
    fc.option(fc.oneof(...o.fields.map((f) => fieldValue(f, depth).map((value) => ({ name: o.localName, value: { case: f.localName, value } })))), { nil: undefined }),
  );
  return fc.tuple(base, ...oneofs).map(([b, ...cases]) => {
    const init: Record<string, unknown> = { ...b };
    for (const c of cases) if (c) init[c.name] = c.value;
    return init;
  });
}

/** A message's binary and JSON encodings, or undefined when the init is not one protobuf-es accepts. */
function encodings(desc: DescMessage, init: Record<string, unknown>): { binary: Uint8Array; json: string } | undefined {
  try {
    const message = create(desc, init as never);
    return { binary: toBinary(desc, message), json: toJsonString(desc, message) };
  } catch {
    return undefined;
  }
}

/** Truncation, byte flips, junk: what a broken client or a hostile one sends instead of a valid encoding. */
const mutation = fc.oneof(
  fc.constant((b: Uint8Array) => b),
  fc.nat().map((n) => (b: Uint8Array) => b.subarray(0, b.length === 0 ? 0 : n % b.length)),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([n, v]) => (b: Uint8Array) => {
    const out = Uint8Array.from(b.length === 0 ? [0] : b);
    out[n % out.length] = v;
    return out;
  }),
  fc.uint8Array({ minLength: 1, maxLength: 16 }).map((junk) => (b: Uint8Array) => Uint8Array.from([...b, ...junk])),
);

function envelope(message: Uint8Array, flags = 0): Uint8Array {
  const out = new Uint8Array(5 + message.length);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, message.length);
  out.set(message, 5);
  return out;
}

export interface Credentials {
  session: string;
  admin: string;
}

/** The credentials the fuzzer uses: a live session and the administrator. */
export async function credentials(server: RunningServer): Promise<Credentials> {
  const peer = await login(server, "fuzzer");
  return { session: peer.headers.authorization, admin: adminHeaders(server).authorization };
}

const encoder = new TextEncoder();

function authArb(creds: Credentials): fc.Arbitrary<Record<string, string>> {
  return fc.constantFrom<Record<string, string>>({}, { authorization: creds.session }, { authorization: creds.admin }, { authorization: "Bearer junk" }, { authorization: "Basic eA==" });
}

/** A request to one RPC: a mutated or valid message, binary or JSON, unary or enveloped, maybe compressed. */
function rpcRequest(method: DescMethod, creds: Credentials): fc.Arbitrary<FuzzRequest> {
  const path = `/${method.parent.typeName}/${method.name}`;
  const streaming = method.methodKind !== "unary";
  return fc
    .record({
      transport: fc.constantFrom<"h1" | "h2">("h1", "h2"),
      init: messageInit(method.input),
      format: fc.constantFrom("binary", "json", "random-json", "random-bytes"),
      mutate: mutation,
      auth: authArb(creds),
      gzip: fc.constantFrom("none", "none", "gzip", "bad-gzip"),
      randomJson: fc.json({ maxDepth: 3 }),
      randomBytes: fc.uint8Array({ maxLength: 64 }),
      extra: fc.constantFrom<Record<string, string>>({}, { "connect-timeout-ms": "-1" }, { "connect-timeout-ms": "x" }, { "connect-protocol-version": "2" }, { "content-type": "text/plain" }),
    })
    .map(({ transport, init, format, mutate, auth, gzip, randomJson, randomBytes, extra }) => {
      const enc = encodings(method.input, init) ?? { binary: new Uint8Array(), json: "{}" };
      const binary = format === "binary" || format === "random-bytes";
      let body: Uint8Array =
        format === "binary" ? mutate(enc.binary) : format === "json" ? mutate(encoder.encode(enc.json)) : format === "random-json" ? encoder.encode(randomJson) : randomBytes;
      const headers: Record<string, string> = { ...auth };
      if (gzip !== "none") {
        body = gzip === "gzip" ? gzipSync(body) : Uint8Array.from([0x1f, 0x8b, ...body]);
        headers[streaming ? "connect-content-encoding" : "content-encoding"] = "gzip";
      }
      if (streaming) body = envelope(body, gzip !== "none" ? 1 : 0);
      headers["content-type"] = streaming ? `application/connect+${binary ? "proto" : "json"}` : `application/${binary ? "proto" : "json"}`;
      return { transport, method: "POST", path, headers: { ...headers, ...extra }, body, rpc: `${method.parent.typeName}.${method.name}` };
    });
}

/** A request to a REST route with random bindings, query and body. */
function restRequest(creds: Credentials): fc.Arbitrary<FuzzRequest> {
  const segment = fc.oneof(fc.webSegment(), str.map(encodeURIComponent), fc.constantFrom("chatwire", "1400000000", "%E0%A4%A", "%2e%2e", "..", ""));
  return fc
    .record({
      transport: fc.constantFrom<"h1" | "h2">("h1", "h2"),
      route: fc.constantFrom(...httpRoutes),
      values: fc.array(segment, { minLength: 8, maxLength: 8 }),
      verb: fc.constantFrom("GET", "POST", "DELETE", "PUT", "PATCH"),
      query: fc.oneof(fc.constant(""), fc.webQueryParameters()),
      body: fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 40 }), fc.constant('{"__proto__":{"x":1}}')),
      auth: authArb(creds),
    })
    .map(({ transport, route, values, verb, query, body, auth }) => {
      const path = "/" + route.segments.map((s, i) => (s.startsWith("{") ? values[i]! : s)).join("/") + (query ? `?${query}` : "");
      return { transport, method: verb, path, headers: { ...auth, "content-type": "application/json" }, body: encoder.encode(body), rpc: "" };
    });
}

/** Odd paths, methods and headers, anywhere. */
function oddRequest(creds: Credentials): fc.Arbitrary<FuzzRequest> {
  const piece = fc.oneof(fc.webSegment(), fc.constantFrom("..", ".", "", "%", "%zz", "%2F", "%00", "healthz", "chatwire.v1.SessionService", "Login", "StreamEvents", "chatwire.v1.EventService"));
  return fc
    .record({
      transport: fc.constantFrom<"h1" | "h2">("h1", "h2"),
      pieces: fc.array(piece, { maxLength: 6 }),
      verb: fc.constantFrom("GET", "POST", "OPTIONS", "HEAD", "DELETE", "PUT"),
      contentType: fc.constantFrom("application/json", "application/proto", "application/connect+proto", "application/grpc", "application/grpc-web+proto", "text/html", ""),
      body: fc.uint8Array({ maxLength: 64 }),
      auth: authArb(creds),
      origin: fc.constantFrom<Record<string, string>>({}, { origin: "http://x.example", "access-control-request-method": "POST" }),
    })
    .map(({ transport, pieces, verb, contentType, body, auth, origin }) => ({
      transport,
      method: verb,
      path: "/" + pieces.join("/"),
      headers: { ...auth, ...origin, ...(contentType ? { "content-type": contentType } : {}) },
      body: verb === "GET" || verb === "HEAD" ? new Uint8Array() : body,
      rpc: "",
    }));
}

/** Requests of every kind: RPCs (each method equally likely), REST routes, odd requests. */
export function anyRequest(creds: Credentials): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...specMethods).chain((m) => rpcRequest(m, creds)) },
    { weight: 2, arbitrary: restRequest(creds) },
    { weight: 1, arbitrary: oddRequest(creds) },
  );
}

// ---- sending

const REQUEST_TIMEOUT_MS = 5000;

export class FuzzClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private session: http2.ClientHttp2Session | undefined;

  constructor(private readonly server: RunningServer) {}

  send(req: FuzzRequest): Promise<FuzzAnswer> {
    return req.transport === "h1" ? this.sendH1(req) : this.sendH2(req);
  }

  private sendH1(req: FuzzRequest): Promise<FuzzAnswer> {
    const url = new URL(this.server.url);
    return new Promise((resolve, reject) => {
      const r = http.request(
        { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: { ...req.headers, "content-length": String(req.body.length) }, agent: this.agent, timeout: REQUEST_TIMEOUT_MS },
        (res) => {
          // An event stream that opened stays open: its answer is its status.
          if (String(res.headers["content-type"] ?? "").startsWith("application/connect+") && res.statusCode === 200 && req.rpc.endsWith("StreamEvents")) {
            res.destroy();
            return resolve({ status: 200, body: "" });
          }
          let body = "";
          res.setEncoding("latin1");
          res.on("data", (c: string) => (body += c.slice(0, 4096)));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          res.on("error", reject);
        },
      );
      r.on("timeout", () => r.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
      r.on("error", reject);
      r.end(req.body);
    });
  }

  private sendH2(req: FuzzRequest): Promise<FuzzAnswer> {
    if (!this.session || this.session.closed || this.session.destroyed) {
      this.session = http2.connect(this.server.url);
      this.session.on("error", () => {});
    }
    const session = this.session;
    return new Promise((resolve, reject) => {
      const headers: http2.OutgoingHttpHeaders = { ":method": req.method, ":path": req.path };
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
      const stream = session.request(headers);
      const timer = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), REQUEST_TIMEOUT_MS);
      let status = 0;
      let body = "";
      stream.on("response", (h) => {
        status = Number(h[":status"]);
        if (String(h["content-type"] ?? "").startsWith("application/connect+") && status === 200 && req.rpc.endsWith("StreamEvents")) stream.close(http2.constants.NGHTTP2_CANCEL);
      });
      stream.setEncoding("latin1");
      stream.on("data", (c: string) => (body += c.slice(0, 4096)));
      stream.on("close", () => {
        clearTimeout(timer);
        if (status === 0) reject(new Error(`no answer (stream closed with ${stream.rstCode})`));
        else resolve({ status, body });
      });
      stream.on("error", () => {});
      stream.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
    this.session?.destroy();
  }
}

/** Whether an answer is acceptable: any 1xx–4xx, or 501 for a method this server has not built. */
export function acceptable(answer: FuzzAnswer): boolean {
  if (answer.status < 500) return true;
  return answer.status === 501 && /990001|unimplemented|not_implemented/.test(answer.body);
}

/** For each RPC, the two broken bodies every client library can send by mistake: truncated binary, invalid JSON. */
export function brokenBodies(creds: Credentials): FuzzRequest[] {
  return specMethods.flatMap((method) => {
    const path = `/${method.parent.typeName}/${method.name}`;
    const streaming = method.methodKind !== "unary";
    const auth = method.parent.typeName.endsWith("AdminService") ? creds.admin : creds.session;
    const rpc = `${method.parent.typeName}.${method.name}`;
    const wrap = (b: Uint8Array) => (streaming ? envelope(b) : b);
    return (["h1", "h2"] as const).flatMap((transport) => [
      { transport, method: "POST", path, rpc, headers: { authorization: auth, "content-type": streaming ? "application/connect+proto" : "application/proto" }, body: wrap(Uint8Array.from([0x0a, 0x05, 0x61])) },
      { transport, method: "POST", path, rpc, headers: { authorization: auth, "content-type": streaming ? "application/connect+json" : "application/json" }, body: wrap(encoder.encode('{"x":')) },
    ]);
  });
}

/** Runs `requests` through `client`; returns the failures (unacceptable answers and errors). */
export async function sendAll(client: FuzzClient, requests: readonly FuzzRequest[], concurrency = 8): Promise<{ request: FuzzRequest; outcome: FuzzAnswer | Error }[]> {
  const failures: { request: FuzzRequest; outcome: FuzzAnswer | Error }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < requests.length; i = next++) {
        const request = requests[i]!;
        try {
          const answer = await client.send(request);
          if (!acceptable(answer)) failures.push({ request, outcome: answer });
        } catch (err) {
          failures.push({ request, outcome: err as Error });
        }
      }
    }),
  );
  return failures;
}
