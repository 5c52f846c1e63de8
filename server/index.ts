// The reference server's composition root: storage, bus, sessions, domains, RPC router, REST routes, one port.
import { pino } from "pino";
import { createAccountAdminHandlers } from "./accounts/account-admin-handlers.js";
import { systemClock } from "./clock.js";
import { createInProcessBus } from "./events/event-bus.js";
import { isRawEventStream, RAW_STREAM_PATH, serveRawEventStream } from "./events/raw-event-stream.js";
import { createStreamEventsHandlers } from "./events/stream-events-handler.js";
import { registerServices, services, type ServiceHandlers } from "./generated/services.js";
import { createDispatcher } from "./http/dispatch.js";
import { createDrain } from "./http/drain.js";
import { listen } from "./http/listen.js";
import { createServerMetrics } from "./observability/metrics.js";
import { serveOps } from "./observability/ops-endpoints.js";
import { instrumentDb } from "./observability/storage-probe.js";
import { resolveOptions, type ServerOptions } from "./options.js";
import { createPresenceAdminHandlers } from "./presence/presence-admin-handlers.js";
import { Presence } from "./presence/presence.js";
import { createUserStatusHandlers, userStatusRateLimitExemptions } from "./presence/user-status-handlers.js";
import { processFaults, watchProcessFaults, type ProcessFaults } from "./process-faults.js";
import { createConnectAdapter } from "./rpc/connect-adapter.js";
import { createInterceptors } from "./rpc/interceptors.js";
import { RateLimiter } from "./rpc/rate-limiter.js";
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
import { createConversationHandlers } from "./conversations/conversation-handlers.js";
import { createConversationStore } from "./conversations/conversation-store.js";
import { Conversations, type GroupDirectory } from "./conversations/conversations.js";
import { createMessageHandlers, createReadReceiptHandlers } from "./messages/message-handlers.js";
import { createMessageStore } from "./messages/message-store.js";
import { createExperimentalHandlers } from "./experimental/experimental-handlers.js";
import { CloudMessageSearch } from "./search/cloud-message-search.js";
import { createMessageSearchStore } from "./search/message-search-store.js";
import { CloudUserSearch } from "./search/cloud-user-search.js";
import { createCloudMessageSearchHandlers, createSearchHandlers } from "./search/search-handlers.js";
import { createUserSearchStore } from "./search/user-search-store.js";
import { CloudGroupSearch } from "./search/cloud-group-search.js";
import { createGroupSearchStore } from "./search/group-search-store.js";
import { Blacklist } from "./relationships/blacklist.js";
import { createFollowHandlers } from "./relationships/follow-handlers.js";
import { createFollowStore } from "./relationships/follow-store.js";
import { Follows } from "./relationships/follows.js";
import { createFriendHandlers } from "./relationships/friend-handlers.js";
import { createFriendStore } from "./relationships/friend-store.js";
import { Friends, MAX_FRIENDS } from "./relationships/friends.js";
import { createProfileHandlers } from "./relationships/profile-handlers.js";
import { createRelationshipAdminHandlers } from "./relationships/relationship-admin-handlers.js";
import { createProfileStore } from "./relationships/profile-store.js";
import { Profiles } from "./relationships/profiles.js";
import { createSendPolicy } from "./relationships/send-policy.js";
import { Messages, type GroupHead } from "./messages/messages.js";
import type { Message } from "../gen/chatwire/v1/message_pb.js";
import { isSendMessageRequest, serveSendMessage } from "./messages/send-message-fast-path.js";
import { createCommunityHandlers, createGroupAttributeHandlers, createGroupHandlers, createGroupMemberHandlers } from "./groups/group-handlers.js";
import { createGroupStore } from "./groups/group-store.js";
import { Groups } from "./groups/groups.js";
import { createLocalFileStore } from "./files/file-storage.js";
import { createFileRecordStore } from "./files/file-store.js";
import { Files } from "./files/files.js";
import { parseStorage } from "./storage/open-storage.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { libreTranslateProvider, openAiTranscriptionProvider } from "./translation/providers.js";
import { createTranslationHandlers } from "./translation/translation-handlers.js";
import { chatwireVersion } from "./version.js";
import { createSignalingHandlers } from "./signaling/signaling-handlers.js";
import { createSignalingStore } from "./signaling/signaling-store.js";
import { Signaling } from "./signaling/signaling.js";
import { createInteractionHandlers } from "./interactions/interaction-handlers.js";
import { createInteractionStore } from "./interactions/interaction-store.js";
import { Interactions } from "./interactions/interactions.js";

export type { ServerOptions } from "./options.js";
export type { PresenceOptions } from "./presence/presence-options.js";
export type { MessageOptions, SendPolicy } from "./messages/messages.js";
export type { ConversationOptions } from "./conversations/conversations.js";
export type { RelationshipOptions } from "./relationships/relationship-options.js";
export { createManualClock, systemClock, type Clock, type ManualClock } from "./clock.js";
export { chatwireVersion } from "./version.js";
export { defaultLimits, type ServerLimits } from "./limits.js";
export { processFaults, type ProcessFaults } from "./process-faults.js";
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
  /** Unhandled rejections and uncaught exceptions counted in this process so far (each one is a bug). */
  faults(): ProcessFaults;
  /**
   * Shuts down gracefully: stops accepting connections (/readyz answers 503), lets calls in flight finish within
   * `shutdownGraceMs`, ends every event stream with a normal end of stream, closes connections and flushes storage.
   */
  close(): Promise<void>;
}

/** Uploads live beside the SQLite file, under ./data with PostgreSQL, in a temporary directory with `memory`. */
function defaultFilesDir(storage: string | undefined): string {
  const target = parseStorage(storage);
  if (target.engine === "postgres") return join("data", "files");
  if (target.path === ":memory:") return mkdtempSync(join(tmpdir(), "chatwire-files-"));
  return join(dirname(target.path), "files");
}

function isMemory(storage: string | undefined): boolean {
  const target = parseStorage(storage);
  return target.engine === "sqlite" && target.path === ":memory:";
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
  const version = chatwireVersion();
  let sessions: SessionRegistry;
  const metrics = config.metrics ? createServerMetrics({ version, live: () => sessions.stats() }) : undefined;
  const opened = await openDatabase(config.storage);
  const db = metrics ? instrumentDb(opened, metrics.storage) : opened;
  const accounts = new Accounts(createAccountStore(db), clock);
  const timers = new DurableTimers(createTimerStore(db), clock, {
    onError: (kind, key, err) => logger.error({ err, kind, key }, "timer failed; retried later"),
  });

  const bus = createInProcessBus((userId, event, exceptSessionId) => {
    for (const session of sessions.sessionsOf(userId)) if (session.id !== exceptSessionId) session.outbox.push(event);
  }, clock.now);
  let presence: Presence | undefined;
  const logFailure = (what: string) => (err: unknown) => logger.error({ err }, what);
  sessions = new SessionRegistry({
    clock,
    offlineTimeoutMs: config.presence.offlineTimeoutMs,
    maxSessionsPerUser: limits.sessionsPerUser,
    sessionReplayEvents: limits.sessionReplayEvents,
    lifecycle: {
      onSessionStarted: (s) => {
        s.started = presence ? presence.sessionStarted(s) : Promise.resolve();
        s.started.catch(logFailure("presence: session start"));
      },
      onSessionEnded: async (s, reason) => presence?.sessionEnded(s, reason),
      onKickedOut: (s, type, delivered) => bus.publishToSession(s, { case: "kickedOut", value: { $typeName: "chatwire.v1.KickedOut", type } }, delivered),
      onError: (err, what) => logger.error({ err }, what),
    },
  });
  // Relationships' friend rows, read by presence (friendAutoNotify) and the relationships domain below.
  const friendStore = createFriendStore(db);
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
    friends: { friendsOf: (userId) => friendStore.haveAsFriend(userId, MAX_FRIENDS) },
  });
  // Relationships: profiles (the conversations' and messages' ProfileSource), blacklist and friends (their SendPolicy).
  const profileStore = createProfileStore(db);
  const profiles = new Profiles({
    db,
    store: profileStore,
    friends: friendStore,
    accounts,
    bus,
    clock,
    options: config.relationships,
    // Called only once serving, when `conversations` (which reads profiles) exists.
    conversationPeers: (userId: string, limit: number): Promise<string[]> => conversations.conversationPeersOf(userId, limit),
  });
  const friends = new Friends({
    db,
    store: friendStore,
    profileStore,
    profiles,
    accounts,
    bus,
    clock,
    options: config.relationships,
    onError: logFailure("relationships: friend list events"),
  });
  const follows = new Follows({ db, store: createFollowStore(db), profiles, accounts, bus, clock });
  const blacklist = new Blacklist({
    db,
    store: profileStore,
    friends: friendStore,
    accounts,
    bus,
    clock,
    friendListChanged: (userIds) => friends.friendListsChanged(userIds),
  });
  const conversationStore = createConversationStore(db);
  const groupDomain: Groups = new Groups({
    store: createGroupStore(db),
    accounts,
    profiles,
    bus,
    clock,
    isOnline: (userId) => sessions.hasSessions(userId),
    onJoined: (trx, groupId, userIds, nowMs) => conversationStore.joinGroup(trx, groupId, userIds, nowMs),
    hasHistory: async (groupId) => (await conversationStore.head(`grp:${groupId}`)).lastSeq > 0,
    // Messages is made below; tips reach it once it exists (no group call can come before the server listens).
    tips: (groupId, operatorId, tip, recipients): Promise<unknown> => messages.groupTip(groupId, operatorId, tip, recipients),
    notices: (userIds, notice): Promise<unknown> => messages.groupSystemNotice(userIds, notice),
    messageAt: (groupId, seq): Promise<Message | undefined> => messages.groupMessage(groupId, seq),
    heads: (groupIds): Promise<Map<string, GroupHead>> => messages.groupHeads(groupIds),
  });
  const groups: GroupDirectory = {
    exists: (groupId) => groupDomain.exists(groupId),
    isMember: (groupId, userId) => groupDomain.isMember(groupId, userId),
  };
  const messageStore = createMessageStore(db);
  const conversations: Conversations = new Conversations({
    db,
    store: conversationStore,
    messages: messageStore,
    accounts,
    profiles,
    groups,
    bus,
    clock,
    options: config.conversations,
  });
  const messages: Messages = new Messages({
    db,
    store: messageStore,
    conversations,
    accounts,
    profiles,
    policy: createSendPolicy(profileStore, friendStore, config.relationships),
    groups: {
      senderOf: (groupId, userId) => groupDomain.senderOf(groupId, userId),
      memberIds: (groupId) => groupDomain.memberIds(groupId),
      isMember: (groupId, userId) => groupDomain.isMember(groupId, userId),
      isManager: (groupId, userId) => groupDomain.isManager(groupId, userId),
    },
    bus,
    clock,
    isOnline: (userId) => sessions.hasSessions(userId),
    hasOtherSessions: (userId, sessionId) => {
      for (const s of sessions.sessionsOf(userId)) if (s.id !== sessionId) return true;
      return false;
    },
    options: config.messages,
  });
  const signaling = new Signaling({
    db,
    store: createSignalingStore(db),
    messages,
    messageStore,
    accounts,
    groups,
    timers,
    bus,
    clock,
    isOnline: (userId) => sessions.hasSessions(userId),
    onError: (err, what) => logger.error({ err }, what),
  });
  const interactions = new Interactions({ db, store: createInteractionStore(db), messages: messageStore, profiles, bus });
  let filesDir: string | undefined;
  const files = new Files({
    sessions,
    records: createFileRecordStore(db),
    store: config.files.store ?? createLocalFileStore(config.files.dir ?? (() => (filesDir = defaultFilesDir(config.storage)))),
    clock,
    options: config.files,
  });
  await timers.start();

  const streamDeps = {
    sessions,
    clock,
    keepaliveMs: config.keepaliveMs,
    streamBufferBytes: limits.streamBufferBytes,
    streamDrainTimeoutMs: limits.streamDrainTimeoutMs,
    onDelivered: metrics?.delivered,
  };
  const handlers: Handlers = {
    session: createSessionHandlers({
      sessions,
      presence,
      bus,
      clock,
      sdkAppId: config.sdkAppID,
      secretKey: config.secretKey,
      // The total unread count, pushed once after each login, and the invitations still waiting for the user's answer.
      afterLogin: (s) => {
        void conversations.greet(s).catch(logFailure("conversations: login total"));
        void signaling.greet(s).catch(logFailure("signaling: pending invitations at login"));
      },
    }),
    event: createStreamEventsHandlers(streamDeps),
    userStatus: createUserStatusHandlers(presence),
    search: {
      ...createSearchHandlers(
        new CloudUserSearch({ index: createUserSearchStore(db), profilesOf: (ids) => profiles.ofUsers(ids) }),
        new CloudGroupSearch({
          index: createGroupSearchStore(db),
          groupsOf: (ids) => groupDomain.searchResults(ids),
          membersOf: (found) => groupDomain.memberSearchResults(found),
        }),
      ),
      ...createExperimentalHandlers(),
    },
    presenceAdmin: createPresenceAdminHandlers({ presence, clock, orgName: config.orgName, appName: String(config.sdkAppID) }),
    accountAdmin: createAccountAdminHandlers(presence),
    message: {
      ...createMessageHandlers(messages),
      ...createCloudMessageSearchHandlers(
        new CloudMessageSearch({ index: createMessageSearchStore(db), messages: messageStore, conversations: conversations.store, clock }),
      ),
      ...createTranslationHandlers({
        translation: config.translation && libreTranslateProvider(config.translation),
        speechToText: config.speechToText && openAiTranscriptionProvider(config.speechToText),
        audio: (uuid, maxBytes) => files.bytes(uuid, maxBytes),
        translateTimeoutMs: config.translation?.timeoutMs ?? 15_000,
        transcribeTimeoutMs: config.speechToText?.timeoutMs ?? 60_000,
        log: (err, what) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, what),
      }),
    },
    messageInteraction: { ...createReadReceiptHandlers(messages), ...createInteractionHandlers(interactions) },
    conversation: createConversationHandlers(conversations, messages, clock),
    profile: createProfileHandlers(profiles, blacklist),
    friend: createFriendHandlers(friends),
    group: createGroupHandlers(groupDomain),
    groupMember: createGroupMemberHandlers(groupDomain),
    groupAttribute: createGroupAttributeHandlers(groupDomain),
    signaling: createSignalingHandlers(signaling),
    follow: createFollowHandlers(follows),
    relationshipAdmin: createRelationshipAdminHandlers({ accounts, profiles, friends }),
    community: createCommunityHandlers(groupDomain),
  };
  const limiter = new RateLimiter(clock);
  const sendFastPath = { sessions, messages, limiter, onUnexpected: logFailure("messages: send") };
  const caller = { sessions, clock, sdkAppId: config.sdkAppID, secretKey: config.secretKey };
  const rpc = createConnectAdapter({
    routes: (router) => registerServices(router, handlers, unimplemented),
    interceptors: [
      ...(metrics ? [createObserveInterceptor({ metrics, logger })] : []),
      ...createInterceptors({
        ...caller,
        limiter,
        logger,
        loginAttemptsPerUser: limits.loginAttemptsPerUser,
        loginAttemptsPerAddress: limits.loginAttemptsPerAddress,
        rateLimitExemptions: userStatusRateLimitExemptions,
      }),
    ],
    limits,
    caller,
    logger,
  });
  const restDeps = { handlers, clock, sdkAppId: config.sdkAppID, secretKey: config.secretKey, logger, maxBodyBytes: limits.maxBodyBytes };
  const drain = createDrain();
  const opsDeps = { version, storage: opened, metrics, draining: () => drain.draining };
  const dispatch = createDispatcher({
    corsOrigins: config.corsOrigins,
    clock,
    logger,
    special: [
      (req, res, path) => serveOps(req, res, path, opsDeps), // /healthz, /readyz, /metrics
      (req, res, path) => path.startsWith("/chatwire/files") && files.handle(req, res, path) && (drain.track(req, res, "call"), true),
      (req, res) => isSendMessageRequest(req) && serveSendMessage(req, res, sendFastPath) && (drain.track(req, res, "call"), true),
      (req, res, path) => path === RAW_STREAM_PATH && isRawEventStream(req) && serveRawEventStream(req, res, streamDeps) && (drain.track(req, res, "stream"), true),
    ],
    rest: restDeps,
    rpc,
    track: (req, res, kind) => drain.track(req, res, kind),
  });
  const listening = await listen(dispatch, config.port, config.host, limits).catch(async (err: unknown) => {
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
    faults: processFaults,
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
        // With `memory` storage the uploads were as temporary as the data.
        if (filesDir && isMemory(config.storage)) rmSync(filesDir, { recursive: true, force: true });
        logger.debug("closed");
        unwatchFaults();
      })();
      return closing;
    },
  };
}
