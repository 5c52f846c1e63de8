// The reference server's composition root: storage, bus, sessions, domains, RPC router, REST routes, one port.
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { pino } from "pino";
import { createAccountAdminHandlers } from "./accounts/account-admin-handlers.js";
import { systemClock } from "./clock.js";
import { createInProcessBus } from "./events/event-bus.js";
import { isRawEventStream, serveRawEventStream } from "./events/raw-event-stream.js";
import { createStreamEventsHandlers } from "./events/stream-events-handler.js";
import { registerServices, services, type ServiceHandlers } from "./generated/services.js";
import { applyCors } from "./http/cors.js";
import { listen } from "./http/listen.js";
import { resolveOptions, type ServerOptions } from "./options.js";
import { createPresenceAdminHandlers } from "./presence/presence-admin-handlers.js";
import { Presence } from "./presence/presence.js";
import { RateLimiter } from "./presence/rate-limiter.js";
import { createUserStatusHandlers, userStatusRateLimitExemptions } from "./presence/user-status-handlers.js";
import { findRoute, handleRest } from "./rest/rest-router.js";
import { createInterceptors } from "./rpc/interceptors.js";
import { unimplemented } from "./rpc/unimplemented.js";
import { createSessionHandlers } from "./sessions/session-handlers.js";
import { SessionRegistry } from "./sessions/session-registry.js";
import { openStorage } from "./storage/open-storage.js";

export type { ServerOptions } from "./options.js";
export type { PresenceOptions } from "./presence/presence-options.js";
export { createManualClock, systemClock, type Clock, type ManualClock } from "./clock.js";

export interface RunningServer {
  /** The base URL clients use, e.g. http://127.0.0.1:8080. */
  url: string;
  /** The SDKAppID and secret key the server verifies UserSigs with. */
  sdkAppID: number;
  secretKey: string;
  /** The RPCs this server implements, as "chatwire.v1.Service.Method". */
  implementedMethods: string[];
  /** The live sessions of a user with their open event streams, for tests and operators. */
  inspectSessions(userId: string): { deviceId: string; openStreams: number }[];
  /** Stops accepting connections, ends streams and flushes storage. */
  close(): Promise<void>;
}

function implementedMethods(handlers: Partial<ServiceHandlers>): string[] {
  return Object.entries(handlers).flatMap(([key, impl]) => {
    const service = services[key as keyof ServiceHandlers];
    return service.methods.filter((m) => impl && m.localName in impl).map((m) => `${service.typeName}.${m.name}`);
  });
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = resolveOptions(options);
  const clock = options.clock ?? systemClock;
  const logger = pino({ level: config.logLevel, name: "chatwire" });
  const storage = await openStorage(config.storage);

  let sessions: SessionRegistry;
  const bus = createInProcessBus((userId, event) => {
    for (const session of sessions.sessionsOf(userId)) session.outbox.push(event);
  }, clock.now);
  let presence: Presence | undefined;
  const logFailure = (what: string) => (err: unknown) => logger.error({ err }, what);
  sessions = new SessionRegistry({
    clock,
    offlineTimeoutMs: config.presence.offlineTimeoutMs,
    lifecycle: {
      onSessionStarted: (s) => presence?.sessionStarted(s).catch(logFailure("presence: session start")),
      onSessionEnded: (s, reason) => presence?.sessionEnded(s, reason).catch(logFailure("presence: session end")),
      onUserSigExpired: (s) => s.outbox.push(bus.stamp({ case: "kickedOut", value: { $typeName: "chatwire.v1.KickedOut", type: 3 } })),
    },
  });
  presence = await Presence.create({ storage, bus, clock, sessions, options: config.presence, onError: (err, what) => logFailure(`presence: ${what}`)(err) });

  const streamDeps = { sessions, clock, keepaliveMs: config.keepaliveMs };
  const handlers: Partial<ServiceHandlers> = {
    session: createSessionHandlers({ sessions, presence, bus, clock, sdkAppId: config.sdkAppID, secretKey: config.secretKey }),
    event: createStreamEventsHandlers(streamDeps),
    userStatus: createUserStatusHandlers(presence),
    presenceAdmin: createPresenceAdminHandlers({ presence, clock, orgName: config.orgName, appName: String(config.sdkAppID) }),
    accountAdmin: createAccountAdminHandlers(presence),
  };
  const rpc = connectNodeAdapter({
    routes: (router) => registerServices(router, handlers, unimplemented),
    interceptors: createInterceptors({
      sessions,
      limiter: new RateLimiter(clock),
      clock,
      sdkAppId: config.sdkAppID,
      secretKey: config.secretKey,
      logger,
      rateLimitExemptions: userStatusRateLimitExemptions,
    }),
  });
  const restDeps = { handlers, clock, sdkAppId: config.sdkAppID, secretKey: config.secretKey, logger };
  const listening = await listen(
    (req, res) => {
      const path = (req.url ?? "/").split("?")[0]!;
      if (applyCors(req, res, config.corsOrigins)) {
        // a preflight, answered
      } else if (req.method === "GET" && path === "/healthz") {
        (res as import("node:http").ServerResponse).writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      } else if (isRawEventStream(req) && serveRawEventStream(req, res, streamDeps)) {
        // served by the raw writer
      } else if (findRoute(req.method ?? "GET", path)) {
        void handleRest(req, res, restDeps);
      } else {
        rpc(req as never, res as never);
      }
    },
    config.port,
    config.host,
  );
  const hostForUrl = config.host.includes(":") ? `[${config.host}]` : config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  const url = `http://${hostForUrl}:${listening.port}`;
  logger.debug({ url }, "listening");
  return {
    url,
    sdkAppID: config.sdkAppID,
    secretKey: config.secretKey,
    implementedMethods: implementedMethods(handlers),
    inspectSessions: (userId) => [...sessions.sessionsOf(userId)].map((s) => ({ deviceId: s.deviceId, openStreams: s.openStreams })),
    async close() {
      presence?.stop();
      sessions.endAll();
      await listening.close();
      await bus.close();
      await storage.close();
    },
  };
}
