// The presence settings of a server, with the defaults the vendor documents give.

export interface PresenceOptions {
  /** Whether users may query and subscribe to others' status; off → 72001 (the console switch). */
  statusQueryEnabled: boolean;
  /** Whether friends are told of each other's changes without subscribing (no effect until friends exist). */
  friendAutoNotify: boolean;
  /** How long a session may go unheard (no open stream, no request) before the user turns OFFLINE. */
  offlineTimeoutMs: number;
  /** How long after logout the custom status is cleared (30 s on web). */
  customStatusClearDelayMs: number;
  /** The most subscriptions a user holds; the oldest are evicted past it (200 on native). */
  maxSubscriptions: number;
}

export const defaultPresenceOptions: PresenceOptions = {
  statusQueryEnabled: true,
  // Stryker disable next-line BooleanLiteral: no effect until friend relationships are served (docs/decisions.md)
  friendAutoNotify: false,
  offlineTimeoutMs: 400_000,
  customStatusClearDelayMs: 30_000,
  maxSubscriptions: 200,
};
