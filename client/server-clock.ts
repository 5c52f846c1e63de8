// The server's clock as seen from the client: the local clock plus an offset measured by Login and each
// Heartbeat (server time + half the round trip − local receive time). `chat.getServerTime()` reads it.

/** Tracks the offset between the local and the server clock. */
export class ServerClock {
  private offset = 0;

  constructor(private readonly now: () => number) {}

  /** Records a server time (Unix ms) answered to a request sent at local time `sentAt`. */
  update(serverTime: bigint | number, sentAt: number): void {
    const receivedAt = this.now();
    this.offset = Math.round(Number(serverTime) + (receivedAt - sentAt) / 2 - receivedAt);
  }

  /** The server's current time, in Unix milliseconds. */
  serverNow(): number {
    return this.now() + this.offset;
  }

  /** The local clock, in Unix milliseconds. */
  localNow(): number {
    return this.now();
  }
}
