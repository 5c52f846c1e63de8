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
import { createDrain } from "./http/drain.js";
import { listen } from "./http/listen.js";
import { createServerMetrics } from "./observability/metrics.js";
import { serveOps } from "./observability/ops-endpoints.js";
import { instrumentDb } from "./observability/storage-probe.js";
import { resolveOptions, type ServerOptions } from "./options.js";
import { createPresenceAdminHandlers } from "./presence/presence-admin-handlers.js";
import { Presence } from "./presence/presence.js";
import { RateLimiter } from "./presence/rate-limiter.js";
import { createUserStatusHandlers, userStatusRateLimitExemptions } from "./presence/user-status-handlers.js";
import { findRoute, handleRest } from "./rest/rest-router.js";
import { createInterceptors } from "./rpc/interceptors.js";
import { createObserveInterceptor } from "./rpc/observe-interceptor.js";
import { unimplemented } from "./rpc/unimplemented.js";
import { createSessionHandlers } from "./sessions/session-handlers.js";
import { SessionRegistry } from "./sessions/session-registry.js";
import { openDatabase } from "./storage/open-storage.js";
import { createAccountStore } from "./accounts/account-store.js";
import { Accounts } from "./accounts/accounts.js";
import { createPresenceStore, createSubscriptionStore } from "./presence/presence-store.js";
import { createTimerStore } from "./timers/timer-store.js";
import { DurableTimers } from "./timers/durable-timers.js";
import { libreTranslateProvider, openAiTranscriptionProvider } from "./translation/providers.js";
import { createTranslationHandlers } from "./translation/translation-handlers.js";
import { chatwireVersion } from "./version.js";

export type { ServerOptions } from "./options.js";
export type { PresenceOptions } from "./presence/presence-options.js";
export { createManualClock, systemClock, type Clock, type ManualClock } from "./clock.js";
export { chatwireVersion } from "./version.js";
export { genUserSig, verifyUserSig, type GenUserSigInput, type VerifyUserSigInput, type UserSigResult } from "./auth/user-sig.js";

export interface RunningServer {
  /** The base URL clients use, e.g. http://127.0.0.1:8080. */
  url: string;
  /** The SDKAppID and secret key the server verifies UserSigs with. */
  sdkAppID: number;
  secretKey: string;
  /** The version of Chatwire serving. */
  version: string;
  /** Where the data lives: a SQLite file, ":memory:", or a PostgreSQL URL without its password. */
  storageLocation: string;
  /** The RPCs this server implements, as "chatwire.v1.Service.Method". */
  implementedMethods: string[];
  /** The live sessions of a user with their open event streams, for tests and operators. */
  inspectSessions(userId: string): { deviceId: string; openStreams: number }[];
  /**
   * Shuts down gracefully: stops accepting connections (/readyz answers 503), lets calls in flight finish within
   * `shutdownGraceMs`, ends every event stream with a normal end of stream, closes connections and flushes storage.
   */
  close(): Promise<void>;
}

/** The services a server supplies, each with the methods it has built (the rest answer 990001). */
type Handlers = Partial<{ [K in keyof ServiceHandlers]: Partial<ServiceHandlers[K]> }>;

function implementedMethods(handlers: Handlers): string[] {
  return Object.entries(handlers).flatMap(([key, impl]) => {
    const service = services[key as keyof ServiceHandlers];
    return service.methods.filter((m) => impl && m.localName in impl).map((m) => `${service.typeName}.${m.name}`);
  });
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = resolveOptions(options);
  const clock = options.clock ?? systemClock;
  const logger = pino({ level: config.logLevel, name: "chatwire" });
  const version = chatwireVersion();
  let sessions: SessionRegistry;
  const metrics = config.metrics ? createServerMetrics({ version, live: () => sessions.stats() }) : undefined;
  const opened = await openDatabase(config.storage);
  const db = metrics ? instrumentDb(opened, metrics.storage) : opened;
  const accounts = new Accounts(createAccountStore(db), clock);
  const timers = new DurableTimers(createTimerStore(db), clock, {
    onError: (kind, key, err) => logger.error({ err, kind, key }, "timer failed; retried later"),
  });

  const bus = createInProcessBus((userId, event) => {
    for (const session of sessions.sessionsOf(userId)) session.outbox.push(event);
  }, clock.now);
  let presence: Presence | undefined;
  const logFailure = (what: string) => (err: unknown) => logger.error({ err }, what);
  sessions = new SessionRegistry({
    clock,
    offlineTimeoutMs: config.presence.offlineTimeoutMs,
    lifecycle: {
      onSessionStarted: (s) => {
        s.started = presence ? presence.sessionStarted(s) : Promise.resolve();
        s.started.catch(logFailure("presence: session start"));
      },
      onSessionEnded: (s, reason) => presence?.sessionEnded(s, reason).catch(logFailure("presence: session end")),
      onUserSigExpired: (s) => s.outbox.push(bus.stamp({ case: "kickedOut", value: { $typeName: "chatwire.v1.KickedOut", type: 3 } })),
    },
  });
  presence = await Presence.create({
    db,
    accounts,
    store: createPresenceStore(db),
    subscriptions: createSubscriptionStore(db),
    timers,
    bus,
    clock,
    sessions,
    options: config.presence,
  });
  await timers.start();

  const streamDeps = { sessions, clock, keepaliveMs: config.keepaliveMs, onDelivered: metrics?.delivered };
  const handlers: Handlers = {
    session: createSessionHandlers({ sessions, presence, bus, clock, sdkAppId: config.sdkAppID, secretKey: config.secretKey }),
    event: createStreamEventsHandlers(streamDeps),
    userStatus: createUserStatusHandlers(presence),
    presenceAdmin: createPresenceAdminHandlers({ presence, clock, orgName: config.orgName, appName: String(config.sdkAppID) }),
    accountAdmin: createAccountAdminHandlers(presence),
    message: {
      ...createTranslationHandlers({
        translation: config.translation && libreTranslateProvider(config.translation),
        speechToText: config.speechToText && openAiTranscriptionProvider(config.speechToText),
        audio: undefined,
        translateTimeoutMs: config.translation?.timeoutMs ?? 15_000,
        transcribeTimeoutMs: config.speechToText?.timeoutMs ?? 60_000,
        log: (err, what) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, what),
      }),
    },
  };
  const rpc = connectNodeAdapter({
    routes: (router) => registerServices(router, handlers, unimplemented),
    interceptors: [
      ...(metrics ? [createObserveInterceptor({ metrics, logger })] : []),
      ...createInterceptors({
        sessions,
        limiter: new RateLimiter(clock),
        clock,
        sdkAppId: config.sdkAppID,
        secretKey: config.secretKey,
        logger,
        rateLimitExemptions: userStatusRateLimitExemptions,
      }),
    ],
  });
  const restDeps = { handlers, clock, sdkAppId: config.sdkAppID, secretKey: config.secretKey, logger };
  const drain = createDrain();
  const opsDeps = { version, storage: opened, metrics, draining: () => drain.draining };
  const listening = await listen(
    (req, res) => {
      const path = (req.url ?? "/").split("?")[0]!;
      if (applyCors(req, res, config.corsOrigins)) {
        // a preflight, answered
      } else if (serveOps(req, res, path, opsDeps)) {
        // /healthz, /readyz, /metrics
      } else if (isRawEventStream(req) && serveRawEventStream(req, res, streamDeps)) {
        drain.track(req, res, "stream");
      } else if (findRoute(req.method ?? "GET", path)) {
        drain.track(req, res, "call");
        void handleRest(req, res, restDeps);
      } else {
        drain.track(req, res, path.endsWith("/StreamEvents") ? "stream" : "call");
        rpc(req as never, res as never);
      }
    },
    config.port,
    config.host,
  ).catch(async (err: unknown) => {
    presence?.stop();
    await db.close();
    throw err;
  });
  const hostForUrl = config.host.includes(":") ? `[${config.host}]` : config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  const url = `http://${hostForUrl}:${listening.port}`;
  logger.debug({ url }, "listening");
  let closing: Promise<void> | undefined;
  return {
    url,
    version,
    storageLocation: opened.location,
    sdkAppID: config.sdkAppID,
    secretKey: config.secretKey,
    implementedMethods: implementedMethods(handlers),
    inspectSessions: (userId) => [...sessions.sessionsOf(userId)].map((s) => ({ deviceId: s.deviceId, openStreams: s.openStreams })),
    close() {
      closing ??= (async () => {
        drain.begin();
        listening.stopAccepting();
        await drain.idle("call", config.shutdownGraceMs);
        presence?.stop();
        sessions.endAll(); // each stream gets its end of stream on the next flush
        const settleMs = Math.min(config.shutdownGraceMs, 1_000);
        await drain.idle("stream", settleMs);
        await listening.close(settleMs);
        await bus.close();
        await db.close();
        logger.debug("closed");
      })();
      return closing;
    },
  };
}
