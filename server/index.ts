// The reference server's composition root: storage, bus, sessions, domains, RPC router, REST routes, one port.
import { pino } from "pino";
import { createAccountAdminHandlers } from "./accounts/account-admin-handlers.js";
import { systemClock } from "./clock.js";
import { createInProcessBus } from "./events/event-bus.js";
import { createStreamEventsHandlers } from "./events/stream-events-handler.js";
import { registerServices, services, type ServiceHandlers } from "./generated/services.js";
import { createDispatcher } from "./http/dispatch.js";
import { listen } from "./http/listen.js";
import { resolveOptions, type ServerOptions } from "./options.js";
import { createPresenceAdminHandlers } from "./presence/presence-admin-handlers.js";
import { Presence } from "./presence/presence.js";
import { createUserStatusHandlers, userStatusRateLimitExemptions } from "./presence/user-status-handlers.js";
import { processFaults, watchProcessFaults, type ProcessFaults } from "./process-faults.js";
import { createConnectAdapter } from "./rpc/connect-adapter.js";
import { createInterceptors } from "./rpc/interceptors.js";
import { RateLimiter } from "./rpc/rate-limiter.js";
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

export type { ServerOptions } from "./options.js";
export type { PresenceOptions } from "./presence/presence-options.js";
export { createManualClock, systemClock, type Clock, type ManualClock } from "./clock.js";
export { defaultLimits, type ServerLimits } from "./limits.js";
export { processFaults, type ProcessFaults } from "./process-faults.js";

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
  /** Unhandled rejections and uncaught exceptions counted in this process so far (each one is a bug). */
  faults(): ProcessFaults;
  /** Stops accepting connections, ends streams and flushes storage. */
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
  const unwatchFaults = watchProcessFaults(logger);
  const { limits } = config;
  const db = await openDatabase(config.storage);
  const accounts = new Accounts(createAccountStore(db), clock);
  const timers = new DurableTimers(createTimerStore(db), clock, {
    onError: (kind, key, err) => logger.error({ err, kind, key }, "timer failed; retried later"),
  });

  let sessions: SessionRegistry;
  const bus = createInProcessBus((userId, event) => {
    for (const session of sessions.sessionsOf(userId)) session.outbox.push(event);
  }, clock.now);
  let presence: Presence | undefined;
  sessions = new SessionRegistry({
    clock,
    offlineTimeoutMs: config.presence.offlineTimeoutMs,
    maxSessionsPerUser: limits.sessionsPerUser,
    sessionReplayEvents: limits.sessionReplayEvents,
    lifecycle: {
      onSessionStarted: (s) => {
        s.started = presence ? presence.sessionStarted(s) : Promise.resolve();
        s.started.catch((err: unknown) => logger.error({ err }, "presence: session start"));
      },
      onSessionEnded: async (s, reason) => presence?.sessionEnded(s, reason),
      onKickedOut: (s, type, delivered) => bus.publishToSession(s, { case: "kickedOut", value: { $typeName: "chatwire.v1.KickedOut", type } }, delivered),
      onError: (err, what) => logger.error({ err }, what),
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

  const streamDeps = { sessions, clock, keepaliveMs: config.keepaliveMs, streamBufferBytes: limits.streamBufferBytes, streamDrainTimeoutMs: limits.streamDrainTimeoutMs };
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
  const caller = { sessions, clock, sdkAppId: config.sdkAppID, secretKey: config.secretKey };
  const rpc = createConnectAdapter({
    routes: (router) => registerServices(router, handlers, unimplemented),
    interceptors: createInterceptors({
      ...caller,
      limiter: new RateLimiter(clock),
      logger,
      loginAttemptsPerUser: limits.loginAttemptsPerUser,
      loginAttemptsPerAddress: limits.loginAttemptsPerAddress,
      rateLimitExemptions: userStatusRateLimitExemptions,
    }),
    limits,
    caller,
    logger,
  });
  const rest = { handlers, clock, sdkAppId: config.sdkAppID, secretKey: config.secretKey, logger, maxBodyBytes: limits.maxBodyBytes };
  const dispatch = createDispatcher({ corsOrigins: config.corsOrigins, clock, logger, streams: streamDeps, rest, rpc });
  const listening = await listen(dispatch, config.port, config.host, limits);
  const hostForUrl = config.host.includes(":") ? `[${config.host}]` : config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  const url = `http://${hostForUrl}:${listening.port}`;
  logger.debug({ url }, "listening");
  return {
    url,
    sdkAppID: config.sdkAppID,
    secretKey: config.secretKey,
    implementedMethods: implementedMethods(handlers),
    inspectSessions: (userId) => [...sessions.sessionsOf(userId)].map((s) => ({ deviceId: s.deviceId, openStreams: s.openStreams })),
    faults: processFaults,
    async close() {
      presence?.stop();
      sessions.endAll();
      await listening.close();
      await bus.close();
      await db.close();
      unwatchFaults();
    },
  };
}
