// Where cases run. In process: a fresh server per case (port 0, a manual clock, the case's option overrides) on one
// storage engine: memory, a SQLite file in a temp directory, or a PostgreSQL schema of its own (dropped after); the
// two durable engines can also restart the server on the same storage in the middle of a case. Remote: one shared
// server at a URL, with its real clock and default options, so cases needing either are skipped and user IDs are
// made unique per case run.
import { Http2SessionManager, createConnectTransport } from "@connectrpc/connect-node";
import { createClient } from "@connectrpc/connect";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { createManualClock, startServer, type ManualClock, type RunningServer, type ServerOptions } from "../../server/index.js";
import type { Requirement, TestCase } from "./schema.js";

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
  /** A short description for reports, e.g. "in-process (memory)" or the URL. */
  readonly description: string;
  /** The requirements its targets meet. */
  readonly capabilities: ReadonlySet<Requirement>;
  start(testCase: TestCase): Promise<Target>;
  close(): Promise<void>;
}

/** The storage engines an in-process server can run on. */
export const STORAGE_ENGINES = ["memory", "sqlite", "postgres"] as const;
export type StorageEngine = (typeof STORAGE_ENGINES)[number];

/** The PostgreSQL server in-process targets use: env CHATWIRE_TEST_PG_URL, else database `test` on 127.0.0.1:5432. */
export const TEST_PG_URL = process.env.CHATWIRE_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Why PostgreSQL cannot be used for in-process targets, or undefined when it can. */
export async function postgresUnavailable(url = TEST_PG_URL): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return undefined;
  } catch (err) {
    return `PostgreSQL not reachable at ${url}: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Hands out one fresh storage per case: the `storage` option of startServer, and how to delete it after. */
interface StoragePool {
  next(): Promise<{ spec: string; drop(): Promise<void> }>;
  close(): Promise<void>;
}

function storagePool(engine: StorageEngine): StoragePool {
  switch (engine) {
    case "memory":
      return { next: async () => ({ spec: "memory", drop: async () => {} }), close: async () => {} };
    case "sqlite": {
      let dir: string | undefined;
      let n = 0;
      return {
        async next() {
          dir ??= mkdtempSync(join(tmpdir(), "chatwire-conformance-"));
          const caseDir = join(dir, `case-${n++}`);
          return { spec: join(caseDir, "chatwire.db"), drop: async () => rmSync(caseDir, { recursive: true, force: true }) };
        },
        async close() {
          if (dir) rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    case "postgres": {
      let admin: Promise<pg.Client> | undefined;
      const prefix = `chatwire_conformance_${process.pid}_${randomBytes(3).toString("hex")}`;
      let n = 0;
      return {
        async next() {
          admin ??= (async () => {
            const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2_000 });
            await client.connect();
            return client;
          })();
          const client = await admin;
          const schema = `${prefix}_${n++}`;
          await client.query(`CREATE SCHEMA ${schema}`);
          const separator = TEST_PG_URL.includes("?") ? "&" : "?";
          return {
            spec: `${TEST_PG_URL}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
            drop: async () => void (await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)),
          };
        },
        async close() {
          if (admin) await (await admin).end();
        },
      };
    }
  }
}

/** A fresh in-process server per case on `storage` (default memory); the durable engines can restart it. */
export function inProcessTargets(options: { storage?: StorageEngine } = {}): TargetFactory {
  const engine = options.storage ?? "memory";
  const pool = storagePool(engine);
  const capabilities = new Set<Requirement>(["manual-clock", "server-options"]);
  if (engine !== "memory") capabilities.add("restart");
  return {
    description: `in-process (${engine})`,
    capabilities,
    async start(testCase) {
      const clock = createManualClock();
      const storage = await pool.next();
      const serverOptions: ServerOptions = {
        port: 0,
        storage: storage.spec,
        logLevel: "silent",
        secretKey: randomBytes(32).toString("hex"),
        clock,
        presence: testCase.server?.presence,
      };
      let server: RunningServer;
      try {
        server = await startServer(serverOptions);
      } catch (err) {
        await storage.drop();
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
        restart: capabilities.has("restart")
          ? async () => {
              await server.close();
              server = await startServer(serverOptions);
            }
          : undefined,
        now: async () => clock.now(),
        shared: false,
        async close() {
          try {
            await server.close();
          } finally {
            await storage.drop();
          }
        },
      };
    },
    close: () => pool.close(),
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
    close: async () => sessionManager.abort(),
  };
}
