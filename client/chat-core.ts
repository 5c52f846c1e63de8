// The state behind one facade instance: session, readiness, event stream, heartbeat and server clock. It owns
// the lifecycle the official SDK goes through: login → SDK_READY once the event stream is open; reconnects
// reported as NET_STATE_CHANGE; logout, kick-out or a lost session → SDK_NOT_READY with the reason later calls
// reject with.
import type { Transport } from "@connectrpc/connect";
import { ErrorCode } from "../gen/chatwire/v1/error_code_pb.js";
import { EventService, type Event } from "../gen/chatwire/v1/event_pb.js";
import { SessionService, type LoginResponse } from "../gen/chatwire/v1/session_pb.js";
import { rpcBinding } from "./bindings.js";
import { Emitter } from "./emitter.js";
import { ChatError, messageOf, toChatError } from "./errors.js";
import { EventStream, type Backoff } from "./event-stream.js";
import { toOfficialEvent, type OfficialEvent } from "./event-dispatch.js";
import { EVENT, TYPES } from "./generated/constants.js";
import type { Logger } from "./logger.js";
import { ChatState } from "./messages.js";
import { RpcRuntime, type ChatResponse } from "./rpc-runtime.js";
import { ServerClock } from "./server-clock.js";
import type { TimerHandle, Timers } from "./timers.js";

/** Everything a core needs, resolved from the create() options. */
export interface ChatCoreOptions {
  SDKAppID: number;
  transport: () => Promise<Transport>;
  timers: Timers;
  now: () => number;
  /** 0 disables the heartbeat. */
  heartbeatIntervalMs: number;
  reconnectDelayMs: Backoff;
  /** The device label sent at login; "" lets the server choose. */
  deviceID: string;
  platform: string;
  logger: Logger;
  /** The server's base URL, for file uploads. */
  baseUrl: string;
  /** Whether CONVERSATION_LIST_UPDATED is emitted at most once a second (the official `eventThrottling`). */
  eventThrottling: boolean;
  /** Called once destroy() has emitted SDK_DESTROY. */
  onDestroyed(): void;
}

interface Session {
  userID: string;
  token: string;
  deviceID: string;
}

/** The not-ready reason each official kick-out type leaves behind. */
const kickReasons: Readonly<Record<string, number>> = {
  [TYPES.KICKED_OUT_MULT_ACCOUNT]: ErrorCode.KICKED_OUT_MULT_ACCOUNT,
  [TYPES.KICKED_OUT_MULT_DEVICE]: ErrorCode.KICKED_OUT_MULT_DEVICE,
  [TYPES.KICKED_OUT_USERSIG_EXPIRED]: ErrorCode.KICKED_OUT_USERSIG_EXPIRED,
  [TYPES.KICKED_OUT_REST_API]: ErrorCode.KICKED_OUT_REST_API,
};

/** The session lifecycle of one facade instance. */
export class ChatCore {
  readonly emitter: Emitter;
  /** Listeners of TSignaling events (addSignalingListener). */
  readonly signalingEmitter: Emitter;
  readonly runtime: RpcRuntime;
  readonly clock: ServerClock;
  readonly plugins: Record<string, unknown> = {};
  /** Messages, conversations and unread counts kept on the client. */
  readonly state = new ChatState(this);

  private session: Session | undefined;
  private ready = false;
  private loggingIn = false;
  private notReadyReason: number = ErrorCode.USER_NOT_LOGGED_IN;
  private netState: string = TYPES.NET_STATE_CONNECTED;
  private stream: EventStream | undefined;
  private streamStart: TimerHandle | undefined;
  private heartbeatTimer: TimerHandle | undefined;

  constructor(readonly options: ChatCoreOptions) {
    this.emitter = new Emitter(options.logger);
    this.signalingEmitter = new Emitter(options.logger);
    this.clock = new ServerClock(options.now);
    this.runtime = new RpcRuntime({
      transport: options.transport,
      token: () => this.session?.token,
      logger: options.logger,
    });
  }

  get logger(): Logger {
    return this.options.logger;
  }

  isReady(): boolean {
    return this.ready;
  }

  /** The code calls reject with while not ready (2024 before login, 3005 after logout, 3002-3006 after a kick). */
  getNotReadyReason(): number {
    return this.notReadyReason;
  }

  /** The session token, "" when logged out. */
  token(): string {
    return this.session?.token ?? "";
  }

  getLoginUser(): string {
    return this.session?.userID ?? "";
  }

  /** Logs the error and emits EVENT.ERROR with `{code, message}`, as the official SDK does for not-ready calls. */
  onError(error: { code: number; message: string }): void {
    this.logger.warn(`Oops! code:${error.code} message:${error.message}`);
    this.emitter.emit(EVENT.ERROR, error);
  }

  /** Rejects a call made while not ready, emitting EVENT.ERROR first. */
  rejectNotReady(api: string): Promise<never> {
    const code = this.notReadyReason;
    const error = { code, message: `${messageOf(code)} | ${api} | ${messageOf(ErrorCode.SDK_IS_NOT_READY)}` };
    this.onError(error);
    return Promise.reject(new ChatError(error));
  }

  /** `chat.login(options)`: opens a session, then the event stream (SDK_READY follows once it is open). */
  async login(args: readonly unknown[]): Promise<ChatResponse> {
    if (this.session) {
      const errorInfo = `${this.session.userID} is already logged in.`;
      this.logger.warn(errorInfo);
      return { code: 0, data: { actionStatus: "OK", errorCode: 0, errorInfo, repeatLogin: true } };
    }
    if (this.loggingIn) throw new ChatError({ code: ErrorCode.REPEAT_LOGIN });
    this.loggingIn = true;
    this.notReadyReason = ErrorCode.LOGGING_IN;
    const userID = String((args[0] as { userID?: unknown }).userID);
    const sentAt = this.clock.localNow();
    try {
      const { response, result } = await this.runtime.invoke(rpcBinding("login"), args, {
        deviceId: this.options.deviceID,
        platform: this.options.platform,
      });
      const login = response as LoginResponse;
      this.clock.update(login.serverTime, sentAt);
      this.session = { userID, token: login.sessionToken, deviceID: login.deviceId };
      this.startHeartbeat();
      // Open the stream on a later task, so SDK_READY always follows the resolution of login().
      this.streamStart = this.options.timers.setTimeout(() => this.openStream(login.eventSequence), 0);
      this.logger.log(`login ok. userID:${userID} repeatLogin:${login.repeatLogin}`);
      return result;
    } catch (err) {
      this.notReadyReason = ErrorCode.LOGIN_FAILED;
      throw err;
    } finally {
      this.loggingIn = false;
    }
  }

  /** `chat.logout()`: ends the session (even if the Logout RPC fails) and emits SDK_NOT_READY. */
  async logout(): Promise<ChatResponse> {
    const session = this.session;
    if (!session) throw new ChatError({ code: ErrorCode.USER_NOT_LOGGED_IN });
    this.notReadyReason = ErrorCode.LOGGED_OUT;
    this.stopConnection();
    try {
      await this.runtime.invoke(rpcBinding("logout"), []);
    } catch (err) {
      this.logger.warn("logout failed:", err);
    }
    if (this.session === session) this.endSession(ErrorCode.LOGGED_OUT);
    return { code: 0, data: {} };
  }

  /** `chat.destroy()`: logs out (rejecting 2024 when not logged in, like the official SDK), then emits SDK_DESTROY. */
  async destroy(): Promise<ChatResponse> {
    try {
      return await this.logout();
    } finally {
      this.stopConnection();
      this.emitter.emit(EVENT.SDK_DESTROY, { SDKAppID: this.options.SDKAppID });
      this.emitter.clear();
      this.signalingEmitter.clear();
      this.options.onDestroyed();
    }
  }

  private openStream(afterSequence: bigint): void {
    this.streamStart = undefined;
    if (!this.session) return;
    const stream = new EventStream(
      {
        open: (after, signal) => this.runtime.serverStream(EventService.method.streamEvents, { afterSequence: after }, signal),
        timers: this.options.timers,
        backoff: this.options.reconnectDelayMs,
        onOpen: () => this.onStreamOpen(),
        onFrame: (frame) => {
          if (frame.resyncRequired) {
            this.logger.warn("events were missed while reconnecting; syncing the conversation list again");
            this.syncConversations();
          }
        },
        onEvent: (event) => this.onEvent(event),
        onInterrupted: (error) => this.onStreamInterrupted(error),
        isFatal: (error) => isSessionEnding(toChatError(error).code),
        onFatal: (error) => this.onSessionLost(toChatError(error)),
      },
      afterSequence,
    );
    this.stream = stream;
    stream.start();
  }

  private onStreamOpen(): void {
    this.setNetState(TYPES.NET_STATE_CONNECTED);
    if (!this.ready) {
      this.ready = true;
      this.emitter.emit(EVENT.SDK_READY);
      this.syncConversations();
    }
  }

  private syncConversations(): void {
    void this.state.sync();
  }

  private onStreamInterrupted(error: unknown): void {
    this.logger.warn("event stream interrupted, reconnecting:", toChatError(error).message);
    this.setNetState(TYPES.NET_STATE_CONNECTING);
  }

  private setNetState(state: string): void {
    if (this.netState === state) return;
    this.netState = state;
    this.emitter.emit(EVENT.NET_STATE_CHANGE, { state });
  }

  private onEvent(event: Event): void {
    const official = toOfficialEvent(event);
    if (!official) {
      this.logger.log(`ignored event ${event.payload.case ?? "(unknown variant)"} #${event.sequence}`);
      return;
    }
    if (official.variant === "kickedOut") this.kickedOut(official);
    else if (!this.state.onEvent(official)) (official.signaling ? this.signalingEmitter : this.emitter).emit(official.name, official.data);
  }

  /** KICKED_OUT: the session is already gone on the server; drop it, then emit KICKED_OUT and SDK_NOT_READY. */
  private kickedOut(official: OfficialEvent): void {
    const type = (official.data as { type?: unknown }).type;
    this.logger.warn(`kicked out, type:${String(type)}`);
    this.endSession(kickReasons[String(type)] ?? ErrorCode.KICKED_OUT_MULT_ACCOUNT, () =>
      this.emitter.emit(official.name, official.data),
    );
  }

  /** The server no longer knows the session (or its UserSig expired) without having sent KICKED_OUT. */
  private onSessionLost(error: ChatError): void {
    if (!this.session) return;
    if (error.code === ErrorCode.USER_SIG_EXPIRED) {
      this.kickedOut({
        variant: "kickedOut",
        name: EVENT.KICKED_OUT,
        signaling: false,
        data: { type: TYPES.KICKED_OUT_USERSIG_EXPIRED },
      });
      return;
    }
    this.logger.warn(`session lost: ${error.code} ${error.message}`);
    this.endSession(ErrorCode.USER_NOT_LOGGED_IN);
  }

  private startHeartbeat(): void {
    const interval = this.options.heartbeatIntervalMs;
    if (interval > 0) this.heartbeatTimer = this.options.timers.setInterval(() => void this.heartbeat(), interval);
  }

  private async heartbeat(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const sentAt = this.clock.localNow();
    try {
      const response = await this.runtime.unary(SessionService.method.heartbeat, {});
      if (this.session === session) this.clock.update(response.serverTime, sentAt);
    } catch (err) {
      if (this.session !== session) return;
      const error = toChatError(err);
      if (isSessionEnding(error.code)) this.onSessionLost(error);
      else this.logger.warn("heartbeat failed:", error.message);
    }
  }

  /** Stops the stream and the heartbeat, keeping the session. */
  private stopConnection(): void {
    if (this.streamStart !== undefined) this.options.timers.clearTimeout(this.streamStart);
    this.streamStart = undefined;
    this.stream?.stop();
    this.stream = undefined;
    if (this.heartbeatTimer !== undefined) this.options.timers.clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  /** Drops the session with `reason`, runs `beforeNotReady` (e.g. emit KICKED_OUT), then emits SDK_NOT_READY. */
  private endSession(reason: number, beforeNotReady?: () => void): void {
    this.stopConnection();
    this.session = undefined;
    this.ready = false;
    this.state.reset();
    this.netState = TYPES.NET_STATE_CONNECTED;
    this.notReadyReason = reason;
    beforeNotReady?.();
    this.emitter.emit(EVENT.SDK_NOT_READY);
  }
}

/** Whether an RPC error means the session is over: unknown token or expired UserSig. */
function isSessionEnding(code: number): boolean {
  return code === ErrorCode.CHATWIRE_SESSION_NOT_FOUND || code === ErrorCode.USER_SIG_EXPIRED;
}
