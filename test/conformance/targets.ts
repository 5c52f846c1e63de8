// Where cases run. In process: a fresh server per case (a fresh database on the chosen storage engine, port 0, a
// manual clock, the case's option overrides); on a durable engine (a SQLite file, PostgreSQL) it can also restart
// the server on the same storage in the middle of a case. Remote: one shared server at a URL, with its real clock and
// default options, so cases needing either are skipped and user IDs are made unique per case run.
import { Http2SessionManager, createConnectTransport } from "@connectrpc/connect-node";
import { ConnectError, createClient } from "@connectrpc/connect";
import { randomBytes } from "node:crypto";
import { ErrorDetailSchema } from "../../gen/chatwire/v1/error_code_pb.js";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { createManualClock, startServer, type ManualClock, type RunningServer, type ServerOptions } from "../../server/index.js";
import { ConformanceSetupError } from "./setup-error.js";
import type { Requirement, TestCase } from "./schema.js";
import { freshStorage, type EngineName } from "../support/storage-engines.js";

/** A server one case runs against. */
export interface Target {
  /** The server's base URL; it changes when the server restarts. */
  readonly url: string;
  sdkAppID: number;
  secretKey: string;
  /** The server's manual clock, when the runner may move it. */
  clock?: ManualClock;
  /** The server's live sessions of a user, when the runner may look. */
  inspectSessions?(userId: string): { deviceId: string; openStreams: number }[];
  /**
   * Stops the server (as an operator would: it flushes and closes its storage) and starts it again on the same
   * storage, with the same options and clock, when the target can. Every session is gone after it.
   */
  restart?(): Promise<void>;
  /** The server's clock in Unix ms (UserSigs are issued on it). */
  now(): Promise<number>;
  /** Whether other runs share the server, so user IDs need a unique suffix. */
  shared: boolean;
  close(): Promise<void>;
}

export interface TargetFactory {
  /** A short description for reports, e.g. "in-process" or the URL. */
  readonly description: string;
  /** The requirements its targets meet. */
  readonly capabilities: ReadonlySet<Requirement>;
  start(testCase: TestCase): Promise<Target>;
  /** Checks, before any case, that the target can run cases at all (reachable, accepts the key); throws one line. */
  preflight?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A fresh in-process server per case, on a fresh database of `engine` (default: SQLite in memory). On a durable
 * engine the runner can restart it on the same storage (`requires: [restart]`).
 */
export function inProcessTargets(engine: EngineName = "memory"): TargetFactory {
  const capabilities = new Set<Requirement>(["manual-clock", "server-options"]);
  if (engine !== "memory") capabilities.add("restart");
  return {
    description: engine === "memory" ? "in-process" : `in-process (${engine})`,
    capabilities,
    async start(testCase) {
      const clock = createManualClock();
      const slot = await freshStorage(engine);
      const serverOptions: ServerOptions = {
        port: 0,
        storage: slot.storage,
        logLevel: "silent",
        secretKey: randomBytes(32).toString("hex"),
        clock,
        presence: testCase.server?.presence,
        messages: testCase.server?.messages,
        conversations: testCase.server?.conversations,
        relationships: testCase.server?.relationships,
      };
      let server: RunningServer;
      try {
        server = await startServer(serverOptions);
      } catch (err) {
        await slot.dispose();
        throw err;
      }
      return {
        get url() {
          return server.url;
        },
        sdkAppID: server.sdkAppID,
        secretKey: server.secretKey,
        clock,
        inspectSessions: (userId) => server.inspectSessions(userId),
        restart: slot.durable
          ? async () => {
              await server.close();
              server = await startServer(serverOptions);
            }
          : undefined,
        now: async () => clock.now(),
        shared: false,
        close: async () => {
          try {
            await server.close();
          } finally {
            await slot.dispose();
          }
        },
      };
    },
    close: async () => {},
  };
}

export interface RemoteOptions {
  url: string;
  sdkAppID: number;
  secretKey: string;
}

/** A running server at a URL, shared by every case. */
export function remoteTargets(options: RemoteOptions): TargetFactory {
  const url = options.url.replace(/\/+$/, "");
  const sessionManager = new Http2SessionManager(url);
  const session = createClient(SessionService, createConnectTransport({ baseUrl: url, httpVersion: "2", sessionManager }));
  return {
    description: url,
    capabilities: new Set<Requirement>(),
    async start() {
      return {
        url,
        sdkAppID: options.sdkAppID,
        secretKey: options.secretKey,
        now: async () => Number((await session.getServerTime({})).serverTime),
        shared: true,
        close: async () => {},
      };
    },
    async preflight() {
      const fail = (what: string, err: unknown) => {
        const code = err instanceof ConnectError ? err.findDetails(ErrorDetailSchema)[0]?.code : undefined;
        const reason = err instanceof ConnectError ? err.rawMessage : String(err);
        return new ConformanceSetupError(`${what}: ${reason}${code === undefined ? "" : ` (code ${code})`}`);
      };
      let serverTime: bigint;
      try {
        serverTime = (await session.getServerTime({}, { timeoutMs: 10_000 })).serverTime;
      } catch (err) {
        throw fail(`cannot reach a Chatwire server at ${url}`, err);
      }
      const userId = `preflight_${randomBytes(4).toString("hex")}`;
      const userSig = genUserSig({ sdkAppId: options.sdkAppID, secretKey: options.secretKey, userId, expireSeconds: 300, nowMs: Number(serverTime) });
      try {
        const { sessionToken } = await session.login({ userId, userSig, platform: "conformance" }, { timeoutMs: 10_000 });
        await session.logout({}, { headers: { authorization: `Bearer ${sessionToken}` }, timeoutMs: 10_000 });
      } catch (err) {
        throw fail(`${url} refuses a UserSig for SDKAppID ${options.sdkAppID} signed with the given secret key (check --sdk-app-id and --secret-key)`, err);
      }
    },
    close: async () => sessionManager.abort(),
  };
}
