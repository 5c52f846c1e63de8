// One logged-in device of one user: its token, its liveness and the outbox its event stream reads.
import { Outbox } from "../events/outbox.js";

export type SessionEndReason = "logout" | "kickedOut" | "offline" | "shutdown";

export class Session {
  readonly outbox: Outbox;
  /** Unix ms of the last request or heartbeat, or of the last stream close. */
  lastSeen: number;
  openStreams = 0;
  ended: SessionEndReason | undefined;
  /** Settles once what a login changes (presence) is durable; Login answers only then. */
  started: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly token: string,
    readonly userId: string,
    readonly deviceId: string,
    readonly platform: string,
    public userSigExpireAt: number,
    readonly createdAt: number,
    /** Events the session keeps for a resumed stream, and at most holds while no stream reads. */
    replayEvents = 512,
  ) {
    this.lastSeen = createdAt;
    this.outbox = new Outbox(replayEvents, replayEvents);
  }

  /** Easemob-style resource key of the device. */
  get resource(): string {
    return this.deviceId;
  }
}
