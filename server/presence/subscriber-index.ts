// Who follows whom, in memory, for the fan-out hot path: target → subscriber → expiry (0 = never).
// Storage holds the durable copy; this index is rebuilt from it at start and updated after every durable write.

export class SubscriberIndex {
  private readonly byTarget = new Map<string, Map<string, number>>();

  set(subscriberId: string, targetId: string, expireTime: number): void {
    let subscribers = this.byTarget.get(targetId);
    if (!subscribers) this.byTarget.set(targetId, (subscribers = new Map()));
    subscribers.set(subscriberId, expireTime);
  }

  delete(subscriberId: string, targetId: string): void {
    const subscribers = this.byTarget.get(targetId);
    if (!subscribers) return;
    subscribers.delete(subscriberId);
    if (subscribers.size === 0) this.byTarget.delete(targetId);
  }

  /** The unexpired subscribers of a target; expired entries are dropped on the way. */
  *subscribersOf(targetId: string, nowMs: number): Generator<string> {
    const subscribers = this.byTarget.get(targetId);
    if (!subscribers) return;
    for (const [subscriberId, expireTime] of subscribers) {
      if (expireTime !== 0 && expireTime <= nowMs) {
        subscribers.delete(subscriberId);
        continue;
      }
      yield subscriberId;
    }
  }
}
