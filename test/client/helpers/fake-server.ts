// In-memory fakes of the Chatwire services behind a Connect router transport (no port): a session service that
// records logins and answers with a fixed server clock, an event feed the test pushes frames into (or breaks),
// and optional user-status handlers.
import { create } from "@bufbuild/protobuf";
import { createRouterTransport, type ServiceImpl, type Transport } from "@connectrpc/connect";
import { ConversationService } from "../../../gen/chatwire/v1/conversation_pb.js";
import {
  EventSchema,
  EventService,
  StreamEventsResponseSchema,
  type Event,
  type StreamEventsRequest,
  type StreamEventsResponse,
} from "../../../gen/chatwire/v1/event_pb.js";
import { SessionService, type LoginRequest } from "../../../gen/chatwire/v1/session_pb.js";
import { KickedOutType, UserStatusType } from "../../../gen/chatwire/v1/types_pb.js";
import { UserStatusService } from "../../../gen/chatwire/v1/user_status_pb.js";

type Item = { frame: StreamEventsResponse } | { error: unknown };

/** One open StreamEvents call. */
class Connection {
  private readonly items: Item[] = [];
  private wake: (() => void) | undefined;

  push(item: Item): void {
    this.items.push(item);
    this.wake?.();
  }

  async next(signal: AbortSignal): Promise<Item | undefined> {
    while (this.items.length === 0) {
      if (signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
    }
    return this.items.shift();
  }
}

/** The fake EventService: records each StreamEvents call and lets the test feed or break the open one. */
export class EventFeed {
  readonly requests: StreamEventsRequest[] = [];
  readonly authorizations: string[] = [];
  /** Errors the next StreamEvents calls fail with before sending anything, in order. */
  readonly refusals: unknown[] = [];
  private current: Connection | undefined;

  /** The service implementation to register on a router. */
  readonly impl: Partial<ServiceImpl<typeof EventService>>;

  constructor(private readonly serverTime: () => number) {
    const feed = this;
    this.impl = {
      async *streamEvents(req, ctx) {
        feed.requests.push(req);
        feed.authorizations.push(ctx.requestHeader.get("authorization") ?? "");
        if (feed.refusals.length > 0) throw feed.refusals.shift();
        const connection = new Connection();
        feed.current = connection;
        yield create(StreamEventsResponseSchema, { serverTime: BigInt(feed.serverTime()), keepaliveMs: 15_000 });
        for (;;) {
          const item = await connection.next(ctx.signal);
          if (item === undefined) return;
          if ("error" in item) throw item.error;
          yield item.frame;
        }
      },
    };
  }

  /** Sends a frame with `events` on the open stream. */
  push(...events: Event[]): void {
    this.connection().push({ frame: create(StreamEventsResponseSchema, { events, serverTime: BigInt(this.serverTime()) }) });
  }

  /** Sends a frame built from `init` (e.g. `{resyncRequired: true}`) on the open stream. */
  pushFrame(init: { events?: Event[]; resyncRequired?: boolean }): void {
    this.connection().push({ frame: create(StreamEventsResponseSchema, { ...init, serverTime: BigInt(this.serverTime()) }) });
  }

  /** Makes the open stream fail with `error`. */
  fail(error: unknown): void {
    this.connection().push({ error });
  }

  get connections(): number {
    return this.requests.length;
  }

  private connection(): Connection {
    if (!this.current) throw new Error("no open event stream");
    return this.current;
  }
}

/** Options of the fake server. */
export interface FakeServerOptions {
  /** The server clock, Unix ms. */
  serverTime?: () => number;
  /** The event sequence Login reports. */
  eventSequence?: bigint;
  session?: Partial<ServiceImpl<typeof SessionService>>;
  userStatus?: Partial<ServiceImpl<typeof UserStatusService>>;
  conversation?: Partial<ServiceImpl<typeof ConversationService>>;
  /** Leave EventService out of the router. */
  withoutEvents?: boolean;
}

/** The fakes and the transport over them. */
export class FakeServer {
  readonly logins: LoginRequest[] = [];
  readonly authorizations: Record<string, string[]> = {};
  readonly events: EventFeed;
  readonly transport: Transport;
  heartbeats = 0;
  logouts = 0;

  constructor(options: FakeServerOptions = {}) {
    const serverTime = options.serverTime ?? (() => 1_700_000_000_000);
    this.events = new EventFeed(serverTime);
    const record = (method: string, header: Headers) => {
      (this.authorizations[method] ??= []).push(header.get("authorization") ?? "");
    };
    const session: Partial<ServiceImpl<typeof SessionService>> = {
      login: (req, ctx) => {
        this.logins.push(req);
        record("login", ctx.requestHeader);
        return {
          sessionToken: `token-${req.userId}`,
          deviceId: req.deviceId || "web_1",
          serverTime: BigInt(serverTime()),
          userSigExpireTime: BigInt(serverTime() + 86_400_000),
          repeatLogin: false,
          eventSequence: options.eventSequence ?? 5n,
          statusType: UserStatusType.ONLINE,
        };
      },
      logout: (_req, ctx) => {
        this.logouts++;
        record("logout", ctx.requestHeader);
        return {};
      },
      heartbeat: (_req, ctx) => {
        this.heartbeats++;
        record("heartbeat", ctx.requestHeader);
        return { serverTime: BigInt(serverTime()) };
      },
      ...options.session,
    };
    this.transport = createRouterTransport(({ service }) => {
      service(SessionService, session);
      if (!options.withoutEvents) service(EventService, this.events.impl);
      if (options.userStatus) service(UserStatusService, options.userStatus);
      if (options.conversation) service(ConversationService, options.conversation);
    });
  }
}

/** An Event carrying new user statuses. */
export function userStatusEvent(
  sequence: bigint,
  list: Array<{ userId: string; statusType: UserStatusType; customStatus?: string }>,
): Event {
  return create(EventSchema, {
    sequence,
    time: 1n,
    payload: { case: "userStatusUpdated", value: { userStatusList: list } },
  });
}

/** An Event kicking the session out. */
export function kickedOutEvent(sequence: bigint, type: KickedOutType): Event {
  return create(EventSchema, { sequence, time: 1n, payload: { case: "kickedOut", value: { type } } });
}
