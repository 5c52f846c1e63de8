// The public types of the facade: create() options and the instance's methods.
import type { Transport } from "@connectrpc/connect";
import type { OfficialUserStatus, OfficialUserStatusFailure } from "./adapters/user-status.js";
import type { ChatEventHandler } from "./emitter.js";
import type { OfficialMethodName } from "./official-methods.js";
import type { ChatResponse } from "./rpc-runtime.js";
import type { Timers } from "./timers.js";

/** The options of `TencentCloudChat.create()`: the official ones plus where the Chatwire server is. */
export interface ChatOptions {
  /** The application ID, a number or a numeric string. */
  SDKAppID: number | string;
  /**
   * The Chatwire server, e.g. "http://127.0.0.1:8080". Without it: `globalThis.CHATWIRE_BASE_URL`, then (Node) the
   * `CHATWIRE_URL` environment variable, then the page origin in browsers — so code written for the official SDK
   * reaches a server configured outside its call sites.
   */
  baseUrl?: string;
  /** Separates instances of one SDKAppID and server, e.g. to hold several users in one process. */
  instanceID?: string;
  /** A Connect transport to use instead of building one for `baseUrl` (tests pass a router transport). */
  transport?: Transport;
  /** How often to send Heartbeat, in milliseconds; 30 000 by default, 0 disables it. */
  heartbeatIntervalMs?: number;
  /** The initial log level (0 everything … 4 nothing); 0 by default, as in the official SDK. */
  logLevel?: number;
  /** Timer functions (heartbeat, reconnect backoff); the host's by default. */
  timers?: Timers;
  /** The local clock in Unix milliseconds; Date.now by default. */
  now?: () => number;
  /** Reconnect delays of the event stream in milliseconds: doubling from `initial` up to `max` (1 000 / 30 000). */
  reconnectDelayMs?: { initial?: number; max?: number };
  /** The device label sent at login; by default the server picks one per login. */
  deviceID?: string;
  /** The platform sent at login; "node" under Node, "web" elsewhere by default. */
  platform?: string;
  /** Whether CONVERSATION_LIST_UPDATED is emitted at most once a second; true unless false is passed. */
  eventThrottling?: boolean;
  // The other official options, accepted and ignored (typed as the official CREATE_OPTIONS types them, so that
  // `TencentCloudChat.create` is assignable to the official `create`).
  /* eslint-disable @typescript-eslint/no-wrapper-object-types */
  proxyServer?: String | undefined;
  fileUploadProxy?: String | undefined;
  fileDownloadProxy?: String | undefined;
  scene?: String | undefined;
  /* eslint-enable @typescript-eslint/no-wrapper-object-types */
  unlimitedAVChatRoom?: boolean;
  oversea?: boolean;
  devMode?: boolean;
  testEnv?: boolean;
  partialUpdatedConversations?: boolean;
  disableIndependentDomain?: boolean;
  modules?: Record<string, unknown>;
}

/** The data login resolves with. */
export interface LoginResult {
  actionStatus: "OK";
  errorCode: 0;
  errorInfo: string;
  repeatLogin: boolean;
}

// The official declarations type most options and results loosely; so does the facade for methods it only
// forwards.
type AnyMethod = (...args: any[]) => any;

/** The methods the facade types precisely. */
export interface ChatInstanceMethods {
  login(options: { userID: string; userSig: string }): Promise<ChatResponse<LoginResult>>;
  // Declared `Promise<void>` officially, while the official runtime resolves `{code: 0, data: {}}` as the facade
  // does; `any` keeps both apps compiling.
  logout(): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  destroy(): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  getLoginUser(): string;
  getServerTime(): number;
  isReady(): boolean;
  on(eventName: string, handler: ChatEventHandler, context?: unknown): void;
  once(eventName: string, handler: ChatEventHandler, context?: unknown): void;
  off(eventName: string, handler: ChatEventHandler, context?: unknown, once?: boolean): void;
  setLogLevel(level: number): void;
  registerPlugin(plugins: Record<string, unknown>): void;
  setSelfStatus(options: { customStatus: string }): Promise<ChatResponse<OfficialUserStatus>>;
  getUserStatus(options: { userIDList: string[] }): Promise<
    ChatResponse<{ successUserList: OfficialUserStatus[]; failureUserList: OfficialUserStatusFailure[] }>
  >;
  subscribeUserStatus(options: { userIDList: string[] }): Promise<ChatResponse<{ failureUserList: OfficialUserStatusFailure[] }>>;
  unsubscribeUserStatus(options?: { userIDList?: string[] }): Promise<
    ChatResponse<{ failureUserList: OfficialUserStatusFailure[] }>
  >;
}

/** The object `TencentCloudChat.create()` returns: every official method. */
export type ChatInstance = ChatInstanceMethods & Omit<Record<OfficialMethodName, AnyMethod>, keyof ChatInstanceMethods>;
