// The rpc driver: each device is a raw Connect client (binary, HTTP/2) that maps an official method to its RPC through
// the generated `rpcMethods` table, converts the official options to the request and the response back to the
// official shape (official-shape.ts), and streams its events after login. It checks the server alone, without the
// facade in between.
import type { DescMethodUnary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { eventVariants, officialMethods, rpcMethods } from "../../../client/generated/methods.js";
import { ErrorDetailSchema } from "../../../gen/chatwire/v1/error_code_pb.js";
import { EventSchema, EventService, type Event, type StreamEventsResponse } from "../../../gen/chatwire/v1/event_pb.js";
import { SessionService } from "../../../gen/chatwire/v1/session_pb.js";
import { createCuttableTransport } from "../cuttable-transport.js";
import { EventLog } from "../event-log.js";
import { show } from "../match.js";
import { toMessageInit, toOfficial } from "../official-shape.js";
import type { Device, DeviceOptions, Driver, Outcome } from "./driver.js";

type Obj = Record<string, unknown>;

/**
 * Where the facade's result differs from the response message: it resolves setSelfStatus with the status itself,
 * getConversationGroupList with the bare name list, downloadMergerMessage with the message and callExperimentalAPI
 * with the JSON value itself.
 */
const RESULT_OVERRIDES: Record<string, (data: Obj) => unknown> = {
  setSelfStatus: (data) => data.status,
  getConversationGroupList: (data) => data.groupNameList,
  downloadMergerMessage: (data) => data.message,
  callExperimentalAPI: (data) => data.data,
  getMyProfile: (data) => officialProfile(data.profile),
  getUserProfile: (data) => (data.profileList as Obj[]).map(officialProfile),
  updateMyProfile: (data) => officialProfile(data.profile),
  getBlacklist: (data) => data.userIDList,
  addToBlacklist: (data) => data.userIDList,
  removeFromBlacklist: (data) => data.userIDList,
  getFriendList: (data) => (data.friendList as Obj[]).map(officialFriend),
  updateFriend: (data) => officialFriend(data.friend as Obj),
  getFriendProfile: (data) => ({ ...data, friendList: (data.friendList as Obj[]).map(officialFriend) }),
  addFriend: (data) => (data.code === 0 ? { userID: data.userID, code: 0 } : data),
  getFriendGroupList: (data) => data.friendGroupList,
  renameFriendGroup: (data) => data.friendGroup,
  followUser: (data) => data.resultList,
  unfollowUser: (data) => data.resultList,
  getMyFollowersList: (data) => ({ ...data, resultList: (data.resultList as Obj[]).map(followEntry) }),
  getMyFollowingList: (data) => ({ ...data, resultList: (data.resultList as Obj[]).map(followEntry) }),
  getMutualFollowersList: (data) => ({ ...data, resultList: (data.resultList as Obj[]).map(followEntry) }),
  getUserFollowInfo: (data) => (data.followInfoList as Obj[]).map(({ userID: _id, ...counts }) => counts),
  checkFollowType: (data) => data.resultList,
};

/** A follow-list entry with its custom profile tags spread as keys. */
function followEntry(entry: Obj): Obj {
  const { profileCustomField, ...rest } = entry;
  for (const field of profileCustomField as { key: string; value: string }[]) rest[field.key] = field.value;
  return rest;
}

/** A follow-list event: entries when added, bare user IDs when removed. */
function followEvent(data: Obj): Obj {
  const list = data.userInfoList as Obj[];
  return { userInfoList: data.isAdd ? list.map(followEntry) : list.map((u) => u.userID), isAdd: data.isAdd };
}

/** A friend with its profile in the official shape. */
function officialFriend(friend: Obj): Obj {
  return { ...friend, profile: officialProfile(friend.profile) };
}

/** A profile whose gender was never set reads gender "" (the official runtime default). */
function officialProfile(profile: unknown): unknown {
  const p = profile as Obj | undefined;
  return p && p.gender === 0 ? { ...p, gender: "" } : p;
}

/**
 * Where the facade's event data differs from the event message: the official events carry the list (or number)
 * itself. CONVERSATION_LIST_UPDATED carries the changed conversations here and the whole list on the facade, so
 * cases match it with `$contains`.
 */
const EVENT_OVERRIDES: Record<string, (data: Obj) => unknown> = {
  userStatusUpdated: (data) => data.userStatusList,
  messageReceived: (data) => data.messageList,
  messageRevoked: (data) => data.messageList,
  messageModified: (data) => data.messageList,
  messageReadByPeer: (data) => data.messageList,
  messageReadReceiptReceived: (data) => data.receiptList,
  conversationListUpdated: (data) => data.conversationList,
  totalUnreadMessageCountUpdated: (data) => data.totalUnreadCount,
  conversationGroupListUpdated: (data) => data.groupNameList,
  profileUpdated: (data) => (data.profileList as Obj[]).map(officialProfile),
  blacklistUpdated: (data) => data.userIDList,
  friendListUpdated: (data) => (data.friendList as Obj[]).map(officialFriend),
  friendGroupListUpdated: (data) => data.friendGroupList,
  groupListUpdated: (data) => data.groupList,
  myFollowersListUpdated: followEvent,
  myFollowingListUpdated: followEvent,
  mutualFollowersListUpdated: followEvent,
};

/** The official `type` of the messages each create*Message method builds. */
const CREATED_TYPE: Record<string, string> = {
  createTextMessage: "TIMTextElem",
  createTextAtMessage: "TIMTextElem",
  createImageMessage: "TIMImageElem",
  createAudioMessage: "TIMSoundElem",
  createVideoMessage: "TIMVideoFileElem",
  createCustomMessage: "TIMCustomElem",
  createFaceMessage: "TIMFaceElem",
  createFileMessage: "TIMFileElem",
  createLocationMessage: "TIMLocationElem",
  createMergerMessage: "TIMRelayElem",
};

/** Where the official declaration names a parameter "options" that is in fact the request's field of another name. */
const PARAM_NAMES: Record<string, readonly string[]> = {
  downloadMergerMessage: ["message"],
  // Declared without parameters, but the 3.6.6 runtime reads `{groupProfileFilter}`.
  getGroupList: ["options"],
  getMyFollowersList: ["nextCursor"],
  getMyFollowingList: ["nextCursor"],
  getMutualFollowersList: ["nextCursor"],
};

/**
 * The request of an RPC-bound method from its positional arguments, by the official signature: an `options`
 * parameter is spread into the request (an array one is `conversationIDList`), any other one is the field of its
 * name (`message`, `messageList`, `conversationID`, `groupName`).
 */
function officialRequest(method: string, args: readonly unknown[]): Obj {
  const params = PARAM_NAMES[method] ?? (officialMethods as Record<string, { params: readonly string[] }>)[method]?.params ?? ["options"];
  const official: Obj = {};
  params.forEach((param, i) => {
    const arg = args[i];
    if (arg === undefined) return;
    if (param !== "options") official[param] = arg;
    else if (Array.isArray(arg)) official.conversationIDList = arg;
    else if (typeof arg === "string") official.conversationIDList = [arg];
    else Object.assign(official, arg);
  });
  return official;
}

/** RPCs of the wire that no official method binds (the facade calls them itself), callable as `Service.Method`. */
export const WIRE_ONLY_CALLS: Record<string, DescMethodUnary> = {
  "SessionService.Heartbeat": SessionService.method.heartbeat,
  "SessionService.GetServerTime": SessionService.method.getServerTime,
};

const CALL_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 5_000;

/** A call's error in the official shape: the ErrorDetail's code, or -1 when the server sent none. */
export function outcomeOfError(err: unknown): Outcome {
  const error = ConnectError.from(err);
  const detail = error.findDetails(ErrorDetailSchema)[0];
  if (detail) return { code: detail.code, message: detail.message };
  return { code: -1, message: `no chatwire.v1.ErrorDetail: [${Code[error.code]}] ${error.rawMessage}` };
}

/** The official EVENT key and data of an event. */
export function officialEvent(event: Event): { name: string; data: unknown } {
  const variant = event.payload.case;
  if (variant === undefined) return { name: "?", data: undefined };
  const field = EventSchema.fields.find((f) => f.localName === variant)!;
  const data = toOfficial(field.message!, event.payload.value as unknown as Obj);
  return {
    name: (eventVariants as Record<string, string>)[variant] ?? `?${variant}`,
    data: EVENT_OVERRIDES[variant]?.(data) ?? data,
  };
}

class RpcDevice implements Device {
  readonly log = new EventLog();
  private readonly connection: ReturnType<typeof createCuttableTransport>;
  private token: string | undefined;
  private stream: AbortController | undefined;

  constructor(private readonly options: DeviceOptions) {
    this.connection = createCuttableTransport(options.baseUrl);
  }

  get label(): string {
    return this.options.label;
  }

  private headers(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  /** Builds a message as the official create*Message does: an unsent Message object with a fresh ID. */
  private create(method: string, options: Obj): Outcome {
    const clientTime = Math.floor(Date.now() / 1000);
    const random = Math.floor(Math.random() * 2 ** 31);
    const forwarded = method === "createForwardMessage" ? (options.payload as Obj) : undefined;
    const to = options.to as string;
    const conversationType = (options.conversationType as string) ?? "C2C";
    const message: Obj = {
      ID: `${this.options.userId}-${clientTime}-${random}`,
      type: forwarded ? forwarded.type : CREATED_TYPE[method],
      payload: forwarded ? forwarded.payload : options.payload,
      to,
      from: this.options.userId,
      conversationType,
      conversationID: `${conversationType === "C2C" ? "C2C" : "GROUP"}${to}`,
      flow: "out",
      status: "unSend",
      time: 0,
      sequence: 0,
      random,
      clientTime,
      priority: options.priority ?? "Normal",
      cloudCustomData: options.cloudCustomData ?? "",
      needReadReceipt: options.needReadReceipt ?? false,
      isSupportExtension: options.isSupportExtension ?? false,
      ...(options.receiverList ? { receiverList: options.receiverList } : {}),
    };
    if (method === "createTextAtMessage") message.atUserList = (options.payload as Obj).atUserList;
    if (method === "createMergerMessage") {
      // The official SDK keeps each merged message as {ID, from, nick, avatar, time, cloudCustomData, messageBody}.
      const payload = options.payload as Obj;
      const list = (payload.messageList as Obj[] | undefined) ?? [];
      message.payload = {
        ...payload,
        messageList: list.map((m) => ({
          ID: m.ID,
          from: m.from,
          nick: m.nick ?? "",
          avatar: m.avatar ?? "",
          time: m.time,
          cloudCustomData: m.cloudCustomData ?? "",
          messageBody: [{ type: m.type, payload: m.payload }],
        })),
      };
    }
    return { code: 0, data: message };
  }

  async call(method: string, args: readonly unknown[]): Promise<Outcome> {
    if (CREATED_TYPE[method] || method === "createForwardMessage") return this.create(method, (args[0] ?? {}) as Obj);
    const rpc = (rpcMethods.find((m) => m.name === method)?.method ?? WIRE_ONLY_CALLS[method]) as DescMethodUnary | undefined;
    if (!rpc) return { code: -1, message: `no RPC binds ${method}` };
    const input = toMessageInit(rpc.input, officialRequest(method, args));
    if (method === "login") Object.assign(input, { deviceId: ((args[0] ?? {}) as Obj).deviceID ?? `web_${this.options.device}`, platform: "web" });
    let message: Obj;
    try {
      const response = await this.connection.transport.unary(rpc, undefined, CALL_TIMEOUT_MS, this.headers(), input as never);
      message = response.message as unknown as Obj;
    } catch (err) {
      return outcomeOfError(err);
    }
    if (method === "login") {
      this.token = message.sessionToken as string;
      const ready = await this.openStream(message.eventSequence as bigint);
      if (ready) return ready;
    }
    if (method === "logout") this.token = undefined;
    const data = toOfficial(rpc.output, message);
    return { code: 0, data: RESULT_OVERRIDES[method]?.(data) ?? data };
  }

  /** Opens the event stream from the login's sequence and waits for its first frame; returns an outcome on failure. */
  private async openStream(afterSequence: bigint): Promise<Outcome | undefined> {
    const { trace, label } = this.options;
    let iterator: AsyncIterator<StreamEventsResponse>;
    this.stream?.abort();
    this.stream = new AbortController();
    try {
      const response = await this.connection.transport.stream(
        EventService.method.streamEvents,
        this.stream.signal,
        undefined,
        this.headers(),
        (async function* () {
          yield { afterSequence };
        })(),
      );
      iterator = response.message[Symbol.asyncIterator]();
      const first = await Promise.race([
        iterator.next(),
        new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), READY_TIMEOUT_MS).unref()),
      ]);
      if (first === "timeout") return { code: -1, message: `no first frame on the event stream within ${READY_TIMEOUT_MS} ms` };
      if (first.done) return { code: -1, message: "the event stream ended before its first frame" };
      trace.add(label, "stream", `open after sequence ${afterSequence}`);
      this.receive(first.value);
    } catch (err) {
      const outcome = outcomeOfError(err);
      return { code: outcome.code, message: `StreamEvents failed: ${outcome.message}` };
    }
    void (async () => {
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) break;
          this.receive(next.value);
        }
        trace.add(label, "stream", "ended by the server");
      } catch (err) {
        trace.add(label, "stream", `ended: ${ConnectError.from(err).message}`);
      }
    })();
    return undefined;
  }

  private receive(frame: StreamEventsResponse): void {
    for (const event of frame.events) {
      const { name, data } = officialEvent(event);
      this.options.trace.add(this.label, "event", `${name} #${event.sequence} ${show(data)}`);
      this.log.push(name, data, this.options.trace.now());
    }
  }

  async vanish(): Promise<void> {
    this.connection.cut();
  }

  async closeStream(): Promise<void> {
    this.stream?.abort();
  }

  async close(): Promise<void> {
    this.connection.cut();
  }
}

export const rpcDriver: Driver = {
  name: "rpc",
  openDevice: async (options) => new RpcDevice(options),
};
