// What the hardening tests share: a server with short limits, raw sockets for what well-behaved clients never send,
// logins, event streams, and the two checks every abuse test ends with: the server still answers, and no
// unhandled rejection or uncaught exception happened meanwhile.
import assert from "node:assert/strict";
import { connect as netConnect, type Socket } from "node:net";
import http2 from "node:http2";
import { createClient, type Client, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { EventService, type StreamEventsResponse } from "../../gen/chatwire/v1/event_pb.js";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { UserStatusService } from "../../gen/chatwire/v1/user_status_pb.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { processFaults, startServer, type RunningServer, type ServerOptions } from "../../server/index.js";

export const SECRET_KEY = "hardening-test-key";

export async function start(options: ServerOptions = {}): Promise<RunningServer> {
  return startServer({ storage: "memory", logLevel: "silent", secretKey: SECRET_KEY, ...options });
}

export function sigFor(server: RunningServer, userId: string, expireSeconds = 600, nowMs = Date.now()): string {
  return genUserSig({ sdkAppId: server.sdkAppID, secretKey: server.secretKey, userId, expireSeconds, nowMs });
}

export function adminHeaders(server: RunningServer): Record<string, string> {
  return { authorization: `Bearer ${sigFor(server, "administrator")}` };
}

export interface Peer {
  userId: string;
  token: string;
  /** The server's event sequence at login. */
  eventSequence: bigint;
  headers: { authorization: string };
  transport: Transport;
  status: Client<typeof UserStatusService>;
  session: Client<typeof SessionService>;
  events: Client<typeof EventService>;
}

export async function login(server: RunningServer, userId: string, options: { deviceId?: string; transport?: Transport; expireSeconds?: number; nowMs?: number } = {}): Promise<Peer> {
  const transport = options.transport ?? createConnectTransport({ baseUrl: server.url, httpVersion: "2", useBinaryFormat: true });
  const session = createClient(SessionService, transport);
  const res = await session.login({ userId, userSig: sigFor(server, userId, options.expireSeconds, options.nowMs), deviceId: options.deviceId ?? "" });
  const headers = { authorization: `Bearer ${res.sessionToken}` };
  return { userId, token: res.sessionToken, eventSequence: res.eventSequence, headers, transport, session, status: createClient(UserStatusService, transport), events: createClient(EventService, transport) };
}

/** An open event stream: frames as they come, and a way to wait for the next one. */
export function openStream(peer: Peer, afterSequence = 0n, signal?: AbortSignal): AsyncIterator<StreamEventsResponse> {
  return peer.events.streamEvents({ afterSequence }, { headers: peer.headers, signal })[Symbol.asyncIterator]();
}

/** The status of a request over h2c (on a connection of its own). */
export async function h2Status(server: RunningServer, headers: http2.OutgoingHttpHeaders): Promise<number> {
  const session = http2.connect(server.url);
  try {
    return await new Promise<number>((resolve, reject) => {
      const req = session.request(headers);
      req.on("response", (h) => resolve(Number(h[":status"])));
      req.on("error", reject);
      req.resume();
    });
  } finally {
    session.close();
  }
}

/** The server answers /healthz over HTTP/1.1 and over h2c. */
export async function assertAnswers(server: RunningServer): Promise<void> {
  const res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  await res.text();
  assert.equal(await h2Status(server, { ":path": "/healthz" }), 200);
}

/** Fails if an unhandled rejection or uncaught exception happened since `before`. */
export function assertNoFaults(before: ReturnType<typeof processFaults>): void {
  assert.deepEqual(processFaults(), before, "an unhandled rejection or uncaught exception happened");
}

export function hostPort(server: RunningServer): { host: string; port: number } {
  const url = new URL(server.url);
  return { host: url.hostname, port: Number(url.port) };
}

/** A raw TCP connection to the server, with what it has received so far and a promise of its close. */
export interface RawSocket {
  socket: Socket;
  received(): string;
  /** Resolves with what arrived once `predicate` holds for it (or the socket closed). */
  until(predicate: (text: string) => boolean): Promise<string>;
  closed: Promise<void>;
}

export async function rawSocket(server: RunningServer): Promise<RawSocket> {
  const socket = netConnect(hostPort(server));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let text = "";
  const waiters: (() => void)[] = [];
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
    for (const w of waiters.splice(0)) w();
  });
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  void closed.then(() => {
    for (const w of waiters.splice(0)) w();
  });
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  return {
    socket,
    received: () => text,
    closed,
    async until(predicate) {
      while (!predicate(text) && !isClosed) await new Promise<void>((resolve) => waiters.push(resolve));
      return text;
    },
  };
}

/** The status line's code of the first HTTP/1.1 response in `text`. */
export function statusOf(text: string): number {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return match ? Number(match[1]) : 0;
}

/** Whether `text` holds a complete HTTP/1.1 response with a content-length body. */
export function hasFullResponse(text: string): boolean {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const length = /content-length: (\d+)/i.exec(text.slice(0, end));
  return !length || text.length >= end + 4 + Number(length[1]);
}
