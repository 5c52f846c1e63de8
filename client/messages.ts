// Messages and conversations as the official SDK keeps them on the client: create*Message builds an unsent Message
// object that sendMessage sends (uploading its file first) and completes in place; a conversation list, a message
// cache per conversation and the total unread count follow sends and the event stream, and each change is emitted
// with the official payload (the whole list for CONVERSATION_LIST_UPDATED, at most once a second by default).
import { ErrorCode } from "../gen/chatwire/v1/error_code_pb.js";
import type { ChatCore } from "./chat-core.js";
import { rpcBinding } from "./bindings.js";
import { ChatError, toChatError } from "./errors.js";
import type { OfficialEvent } from "./event-dispatch.js";
import { EVENT, TYPES } from "./generated/constants.js";
import type { ChatResponse } from "./rpc-runtime.js";
import type { TimerHandle } from "./timers.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** The official `type` of the message each create*Message method builds, by the name's middle part. */
const ELEM_TYPES: Readonly<Record<string, string>> = {
  Text: TYPES.MSG_TEXT,
  TextAt: TYPES.MSG_TEXT,
  Image: TYPES.MSG_IMAGE,
  Audio: TYPES.MSG_AUDIO,
  Video: TYPES.MSG_VIDEO,
  File: TYPES.MSG_FILE,
  Custom: TYPES.MSG_CUSTOM,
  Face: TYPES.MSG_FACE,
  Location: TYPES.MSG_LOCATION,
  Merger: TYPES.MSG_MERGER,
};

/** The display text of a message in a conversation's `lastMessage`, as the server writes it. */
function messageForShow(m: Obj): string {
  const p = m.payload ?? {};
  switch (m.type) {
    case TYPES.MSG_TEXT:
      return p.text;
    case TYPES.MSG_IMAGE:
      return "[Image]";
    case TYPES.MSG_AUDIO:
      return "[Voice]";
    case TYPES.MSG_VIDEO:
      return "[Video]";
    case TYPES.MSG_FILE:
      return `[File] ${p.fileName}`;
    case TYPES.MSG_CUSTOM:
      return p.description || "[Custom Message]";
    case TYPES.MSG_FACE:
      return "[Face]";
    case TYPES.MSG_LOCATION:
      return "[Location]";
    case TYPES.MSG_MERGER:
      return `[Chat History] ${p.title}`;
    default:
      return "";
  }
}

/** A file picked for an image, audio, video or file message: a File/Blob, an `<input type=file>`, or a mini-program result. */
function pickedFile(file: Obj | undefined): Blob | undefined {
  const blob = file?.files?.[0] ?? file?.tempFiles?.[0] ?? file;
  return typeof blob?.size === "number" && typeof blob.slice === "function" ? (blob as Blob) : undefined;
}

/** The client-side message and conversation state of one instance. */
export class ChatState {
  /** Conversation ID → the official Conversation object. */
  readonly conversations = new Map<string, Obj>();
  /** Conversation ID → messages seen (sent, received, fetched), by ID. */
  private readonly cache = new Map<string, Map<string, Obj>>();
  /** The message objects this instance made or received (the official resendMessage wants one: 2105 otherwise). */
  readonly known = new WeakSet<Obj>();
  /** Files still to upload, by the message that carries them. */
  private readonly uploads = new WeakMap<Obj, { blob: Blob; onProgress?: (percent: number) => void }>();
  total = 0;
  private totalDirty = false;
  private syncing = false;
  private epoch = 0;
  private clientSequence = 0;
  private lastListEmit = -Infinity;
  private listTimer: TimerHandle | undefined;

  constructor(private readonly core: ChatCore) {}

  /** Forgets everything (logout, kick-out). */
  reset(): void {
    this.epoch++;
    this.conversations.clear();
    this.cache.clear();
    this.total = 0;
    this.totalDirty = false;
    this.syncing = false;
    if (this.listTimer !== undefined) this.core.options.timers.clearTimeout(this.listTimer);
    this.listTimer = undefined;
  }

  /** `create${kind}Message(options)` (kind "Forward" copies the type and payload of `options.payload`). */
  create(kind: string, options: Obj): Obj {
    const me = this.core.getLoginUser();
    const clientTime = Math.floor(this.core.clock.serverNow() / 1000);
    const random = Math.floor(Math.random() * 2 ** 32);
    const conversationType = options.conversationType ?? TYPES.CONV_C2C;
    const forwarded = kind === "Forward" ? (options.payload as Obj) : undefined;
    let payload: Obj = forwarded ? { ...forwarded.payload } : { ...options.payload };
    if (kind === "Merger") {
      // Each merged message is kept as the official SimplifiedMessage.
      payload.messageList = (payload.messageList ?? []).map((m: Obj) => ({
        ID: m.ID,
        from: m.from,
        nick: m.nick ?? "",
        avatar: m.avatar ?? "",
        time: m.time,
        cloudCustomData: m.cloudCustomData ?? "",
        messageBody: [{ type: m.type, payload: m.payload }],
      }));
    }
    const blob = pickedFile(payload.file);
    if (blob) payload = kind === "File" ? { fileName: (blob as File).name ?? "", fileSize: blob.size, uuid: "", fileUrl: "", downloadFlag: 2 } : { uuid: "" };
    const sequence = ++this.clientSequence;
    const needReadReceipt = options.needReadReceipt === true;
    const message: Obj = {
      ID: `${me}-${clientTime}-${random}`,
      conversationID: `${conversationType === TYPES.CONV_C2C ? TYPES.CONV_C2C : conversationType === TYPES.CONV_SYSTEM ? "" : TYPES.CONV_GROUP}${options.to}`,
      conversationType,
      conversationSubType: undefined,
      time: 0,
      sequence: conversationType === TYPES.CONV_C2C ? sequence : 0,
      clientSequence: sequence,
      random,
      priority: options.priority ?? TYPES.MSG_PRIORITY_NORMAL,
      nick: "",
      avatar: "",
      isPeerRead: false,
      nameCard: "",
      hasRiskContent: false,
      isPlaceMessage: 0,
      isRevoked: false,
      from: me,
      to: options.to,
      flow: "out",
      isSystemMessage: false,
      protocol: "JSON",
      isResend: false,
      isRead: true,
      status: "unSend",
      atUserList: kind === "TextAt" ? (payload.atUserList ?? []) : [],
      cloudCustomData: options.cloudCustomData ?? "",
      isDeleted: false,
      isModified: false,
      clientTime,
      senderTinyID: me,
      readReceiptInfo: needReadReceipt ? { isPeerRead: false, timestamp: 0 } : { timestamp: 0 },
      needReadReceipt,
      version: 0,
      isBroadcastMessage: false,
      isSupportExtension: options.isSupportExtension === true,
      revoker: "",
      revokerInfo: { userID: "", nick: "", avatar: "" },
      revokeReason: "",
      pinnerInfo: null,
      level: 0,
      payload,
      type: forwarded ? forwarded.type : ELEM_TYPES[kind],
    };
    if (options.receiverList) message.receiverList = options.receiverList;
    if (blob) this.uploads.set(message, { blob, onProgress: options.onProgress });
    this.known.add(message);
    return message;
  }

  /** `sendMessage(message, options)` and `resendMessage(message)`: uploads a pending file, sends, completes the message in place. */
  async send(message: Obj, options?: Obj): Promise<ChatResponse> {
    message.status = "unSend";
    try {
      const upload = this.uploads.get(message);
      if (upload) {
        message.payload = this.filePayload(message, await this.upload(upload.blob, upload.onProgress));
        this.uploads.delete(message);
      }
      const { result } = await this.core.runtime.invoke(rpcBinding("sendMessage"), [message, options]);
      Object.assign(message, (result.data as Obj).message, { status: "success" });
    } catch (err) {
      message.status = "fail";
      // An upload's network failure becomes 2800, as an RPC's does.
      const error = toChatError(err);
      error.data = { message };
      throw error;
    }
    this.onMessages([message], options?.messageControlInfo, options?.onlineUserOnly === true);
    return { code: 0, data: { message } };
  }

  /** Calls RPC-bound method `name`; the messages the result carries replace their cached copies (and `into`). */
  async call(name: string, args: unknown[], into?: Obj): Promise<ChatResponse> {
    const { result } = await this.core.runtime.invoke(rpcBinding(name), args);
    const data = result.data as Obj;
    const list: Obj[] = data.messageList ?? (data.message ? [data.message] : []);
    for (const m of list) this.update(m);
    if (into && data.message) data.message = Object.assign(into, data.message);
    return result;
  }

  /** `findMessage(messageID)`: a message sent, received or fetched by this instance, or null. */
  find(id: unknown): Obj | null {
    for (const messages of this.cache.values()) {
      const m = messages.get(String(id));
      if (m) return m;
    }
    return null;
  }

  /** Handles a message or conversation event; false for any other event. */
  onEvent(event: OfficialEvent): boolean {
    const data = event.data as Obj;
    const bare = Object.values(data ?? {})[0];
    switch (event.variant) {
      case "messageReceived":
        // Received messages update the conversations first, so listeners of MESSAGE_RECEIVED read the new state.
        this.onMessages(bare as Obj[]);
        break;
      case "messageRevoked":
      case "messageModified":
      case "messageReadByPeer":
        // The cached messages take the new state and are what listeners get, as in the official SDK.
        this.core.emitter.emit(event.name, (bare as Obj[]).map((m) => this.update(m)));
        return true;
      case "conversationListUpdated":
        this.merge(data.conversationList);
        for (const id of data.deletedConversationIDList as string[]) this.conversations.delete(id);
        this.listChanged();
        return true;
      case "totalUnreadMessageCountUpdated":
        this.totalChanged(bare as number);
        return true;
      case "messageReadReceiptReceived":
      case "conversationGroupListUpdated":
        break;
      default:
        return false;
    }
    this.core.emitter.emit(event.name, bare);
    return true;
  }

  /** The initial sync after login (and after missed events): the conversation list; the total comes from the server. */
  async sync(): Promise<void> {
    // The total the server pushes at login waits for the list, so listeners get the list, then the total.
    this.syncing = true;
    const epoch = this.epoch;
    let list: Obj[] = [];
    try {
      list = ((await this.core.runtime.invoke(rpcBinding("getConversationList"), [])).result.data as Obj).conversationList;
    } catch (err) {
      this.core.logger.warn("conversation list sync failed:", toChatError(err).message);
    }
    // A session that ended meanwhile keeps nothing of it.
    if (epoch !== this.epoch) return;
    this.syncing = false;
    this.merge(list);
    if (this.conversations.size > 0) this.listChanged();
    else this.flushTotal();
  }

  /** Conversations from the server update the cached objects (keeping the client-only draft) or join the list. */
  private merge(list: Obj[]): void {
    for (const c of list) {
      const cached = this.conversations.get(c.conversationID);
      if (cached) Object.assign(cached, c, { draftText: cached.draftText });
      else this.conversations.set(c.conversationID, c);
    }
  }

  /** `setConversationDraft({conversationID, draftText})`: kept on the client only, as in the official SDK. */
  draft(options: Obj): Promise<ChatResponse> {
    const conversation = this.conversations.get(options.conversationID);
    if (!conversation) return Promise.reject(new ChatError({ code: ErrorCode.CONV_NOT_FOUND }));
    conversation.draftText = options.draftText ?? "";
    this.listChanged();
    return Promise.resolve({ code: 0, data: { code: 0, conversation } });
  }

  /** The conversation list, pinned first, then the most recent. */
  list(): Obj[] {
    return [...this.conversations.values()].sort(
      (a, b) => Number(b.isPinned) - Number(a.isPinned) || (b.lastMessage?.lastTime ?? 0) - (a.lastMessage?.lastTime ?? 0),
    );
  }

  /** New messages of this session or the stream: cached, then reflected in their conversations and the total. */
  private onMessages(messages: Obj[], control?: Obj, onlineOnly?: boolean): void {
    let unread = 0;
    for (const m of messages) {
      const c = m.messageControlInfo ?? control ?? {};
      const id = m.conversationID as string;
      this.remember(m);
      if (m.onlineUserOnly || onlineOnly) continue;
      let conversation = this.conversations.get(id);
      if (!conversation) {
        const peer = id.replace(/^(C2C|GROUP)/, "");
        conversation = {
          conversationID: id,
          type: m.conversationType,
          subType: "",
          unreadCount: 0,
          lastMessage: {},
          peerReadTime: 0,
          groupAtInfoList: [],
          remark: "",
          isPinned: false,
          messageRemindType: "",
          markList: [],
          customData: "",
          conversationGroupList: [],
          draftText: "",
          ...(m.conversationType === TYPES.CONV_C2C ? { userProfile: { userID: peer } } : { groupProfile: { groupID: peer } }),
        };
        this.conversations.set(id, conversation);
      }
      if (m.flow === "in" && !c.excludedFromUnreadCount) {
        conversation.unreadCount++;
        const remind = conversation.messageRemindType;
        if (id !== TYPES.CONV_SYSTEM && (!remind || remind === TYPES.MSG_REMIND_ACPT_AND_NOTE)) unread++;
      }
      if (!c.excludedFromLastMessage) conversation.lastMessage = this.lastMessageOf(m);
    }
    this.listChanged();
    if (unread > 0) this.totalChanged(this.total + unread);
  }

  /** Emits TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, after the conversation list when its emit is pending. */
  private totalChanged(total: number): void {
    this.total = total;
    this.totalDirty = true;
    if (this.listTimer === undefined && !this.syncing) this.flushTotal();
  }

  private flushTotal(): void {
    if (!this.totalDirty) return;
    this.totalDirty = false;
    this.core.emitter.emit(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, this.total);
  }

  private lastMessageOf(m: Obj): Obj {
    return {
      lastTime: m.time,
      lastSequence: m.sequence,
      fromAccount: m.from,
      messageForShow: messageForShow(m),
      payload: m.payload,
      type: m.type,
      isRevoked: m.isRevoked,
      cloudCustomData: m.cloudCustomData,
      onlineOnlyFlag: false,
      nick: m.nick,
      nameCard: m.nameCard,
      version: m.version,
      isPeerRead: m.isPeerRead,
      revoker: m.isRevoked ? m.revokerInfo?.userID || m.revoker : null,
    };
  }

  private remember(m: Obj): void {
    const id = m.conversationID as string;
    this.known.add(m);
    let messages = this.cache.get(id);
    if (!messages) this.cache.set(id, (messages = new Map()));
    messages.delete(m.ID);
    messages.set(m.ID, m);
    // A bounded cache: the oldest entries go first.
    if (messages.size > 1000) messages.delete(messages.keys().next().value!);
  }

  /** A changed message: its cached copy takes the new state; so does its conversation's lastMessage. */
  private update(m: Obj): Obj {
    const cached = this.cache.get(m.conversationID)?.get(m.ID);
    if (cached) Object.assign(cached, m);
    else this.remember(m);
    const conversation = this.conversations.get(m.conversationID);
    const last = this.lastMessageOf(cached ?? m);
    if (conversation && m.sequence && conversation.lastMessage?.lastSequence === m.sequence && JSON.stringify(last) !== JSON.stringify(conversation.lastMessage)) {
      conversation.lastMessage = last;
      this.listChanged();
    }
    return cached ?? m;
  }

  /** Emits CONVERSATION_LIST_UPDATED with the whole list: at once, or at most once a second when throttling. */
  private listChanged(): void {
    const { timers, now, eventThrottling } = this.core.options;
    if (this.listTimer !== undefined) return;
    const emit = () => {
      this.listTimer = undefined;
      this.lastListEmit = now();
      this.core.emitter.emit(EVENT.CONVERSATION_LIST_UPDATED, this.list());
      this.flushTotal();
    };
    const wait = eventThrottling ? this.lastListEmit + 1000 - now() : 0;
    if (wait <= 0) emit();
    else this.listTimer = timers.setTimeout(emit, wait);
  }

  /** Uploads a file to the server's file endpoint, reporting progress from 0 to 1. */
  private async upload(blob: Blob, onProgress?: (percent: number) => void): Promise<Obj> {
    const url = `${this.core.options.baseUrl}/chatwire/files`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.core.token()}`,
      "content-type": blob.type || "application/octet-stream",
      "x-chatwire-file-name": encodeURIComponent((blob as File).name ?? "file"),
    };
    const XHR = (globalThis as Obj).XMLHttpRequest;
    const { status, body } = XHR
      ? await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const xhr = new XHR();
          xhr.open("POST", url);
          for (const key in headers) xhr.setRequestHeader(key, headers[key]);
          xhr.upload.onprogress = (e: ProgressEvent) => onProgress?.(e.total ? e.loaded / e.total : 0);
          xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText });
          xhr.onerror = reject;
          xhr.send(blob);
        })
      : await fetch(url, { method: "POST", headers, body: blob }).then(async (r) => ({ status: r.status, body: await r.text() }));
    let json: Obj;
    try {
      json = JSON.parse(body);
    } catch {
      json = { code: 2100, message: body };
    }
    if (status !== 200) throw new ChatError({ code: json.code, message: json.message });
    onProgress?.(1);
    return json;
  }

  /** The payload of a file message once its file is uploaded. */
  private filePayload(message: Obj, f: Obj): Obj {
    const { uuid, url, size } = f;
    switch (message.type) {
      case TYPES.MSG_IMAGE:
        return {
          imageFormat: f.image?.format ?? 255,
          uuid,
          imageInfoArray: (f.image?.imageInfoArray ?? []).map((i: Obj) => ({ instanceID: 0, ...i, imageUrl: i.url })),
        };
      case TYPES.MSG_AUDIO:
        return { downloadFlag: 2, second: 0, size, url, remoteAudioUrl: url, uuid };
      case TYPES.MSG_VIDEO:
        return { remoteVideoUrl: url, videoFormat: String(f.contentType).split("/")[1] ?? "", videoSecond: 0, videoSize: size, videoUrl: url, videoDownloadFlag: 2, videoUUID: uuid };
      default:
        return { ...message.payload, downloadFlag: 2, fileUrl: url, remoteFileUrl: url, uuid, fileSize: size };
    }
  }
}
