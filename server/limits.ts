// Every resource a client can make the server spend has a limit here: bytes read, time a socket may hold, HTTP/2
// streams, buffered event output, sessions and login attempts. docs/operations.md lists each with its default and
// what a client gets when it hits it; keep the two in step.

/** A budget of `requests` per sliding window of `windowMs`. */
export interface RateBudget {
  requests: number;
  windowMs: number;
}

export interface ServerLimits {
  /** Largest request body an authenticated RPC or REST call may send, before and after decompression. */
  maxBodyBytes: number;
  /** Largest body a caller without a valid session or administrator token may send (Login, GetServerTime). */
  maxUnauthenticatedBodyBytes: number;
  /** Time from a connection's first byte (or from its accept) until a request's headers are complete. */
  headersTimeoutMs: number;
  /** Time a connection may stay without any byte in either direction; also an HTTP/2 stream's inactivity. */
  idleTimeoutMs: number;
  /** Time a client has to send a whole request, headers and body (not the response, which may stream); uploads too. */
  requestTimeoutMs: number;
  /** How long an HTTP/1.1 connection waits for the next request after a response. */
  keepAliveTimeoutMs: number;
  /** Open TCP connections at once; further connections are refused until some close. */
  maxConnections: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS announced to HTTP/2 clients. */
  http2MaxConcurrentStreams: number;
  /** Streams an HTTP/2 client may reset within `http2ResetWindowMs` before its connection is closed (GOAWAY). */
  http2MaxResetsPerWindow: number;
  http2ResetWindowMs: number;
  /** Memory (MiB) nghttp2 may hold for one HTTP/2 connection (Node's maxSessionMemory). */
  http2MaxSessionMemoryMiB: number;
  /** Largest header list (bytes) an HTTP/2 client may send; HTTP/1.1 uses the same for the header section. */
  maxHeaderBytes: number;
  /** Output an event stream may hold for a client that does not read; past it the stream ends with 990006. */
  streamBufferBytes: number;
  /** How long a stream ended for falling behind may take to send its end before its transport is reset. */
  streamDrainTimeoutMs: number;
  /** Events a session keeps for a resumed stream (and holds at most while no stream reads); past it, resync. */
  sessionReplayEvents: number;
  /** Live sessions per user; a login past it ends the oldest with KICKED_OUT (multipleAccount). */
  sessionsPerUser: number;
  /** Login attempts per user ID, and per remote address; past them Login answers 990008. */
  loginAttemptsPerUser: RateBudget;
  loginAttemptsPerAddress: RateBudget;
}

export const defaultLimits: ServerLimits = {
  maxBodyBytes: 1 << 20,
  maxUnauthenticatedBodyBytes: 16 << 10,
  headersTimeoutMs: 10_000,
  idleTimeoutMs: 120_000,
  requestTimeoutMs: 300_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 20_000,
  http2MaxConcurrentStreams: 128,
  http2MaxResetsPerWindow: 200,
  http2ResetWindowMs: 10_000,
  http2MaxSessionMemoryMiB: 10,
  maxHeaderBytes: 16 << 10,
  streamBufferBytes: 8 << 20,
  streamDrainTimeoutMs: 10_000,
  sessionReplayEvents: 512,
  sessionsPerUser: 10,
  loginAttemptsPerUser: { requests: 30, windowMs: 60_000 },
  loginAttemptsPerAddress: { requests: 600, windowMs: 60_000 },
};

export type LimitOptions = Partial<ServerLimits>;

export function resolveLimits(options: LimitOptions | undefined): ServerLimits {
  const limits = { ...defaultLimits, ...options };
  for (const [key, value] of Object.entries(limits)) {
    const numbers = typeof value === "number" ? [value] : [value.requests, value.windowMs];
    if (numbers.some((n) => !Number.isFinite(n) || n <= 0)) throw new RangeError(`limits.${key} must be positive`);
  }
  return limits;
}
