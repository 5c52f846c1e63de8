// Which users exist. Accounts are never deleted, so a user once seen to exist is remembered (a cache no other
// process can make stale); unknown IDs are asked of the database every time.
import type { Clock } from "../clock.js";
import type { AccountStore } from "./account-store.js";

/** The most user IDs remembered as existing; past it the memory starts over (it is only a shortcut). */
const KNOWN_CAPACITY = 1_000_000;

export class Accounts {
  private readonly known = new Set<string>();

  constructor(
    private readonly store: AccountStore,
    private readonly clock: Clock,
  ) {}

  /** Creates the accounts that do not exist; returns the created IDs. */
  async ensure(userIds: readonly string[]): Promise<string[]> {
    // Stryker disable next-line MethodExpression: a shortcut; the store creates only the accounts that do not exist
    const missing = userIds.filter((id) => !this.known.has(id));
    // Stryker disable next-line ConditionalExpression: a shortcut; the store answers [] for nothing asked
    if (missing.length === 0) return [];
    const created = await this.store.ensure(missing, this.clock.now());
    this.remember(missing);
    return created;
  }

  /** The subset of `userIds` that exist. */
  async existing(userIds: readonly string[]): Promise<Set<string>> {
    const unknown = userIds.filter((id) => !this.known.has(id));
    if (unknown.length > 0) this.remember(await this.store.existing(unknown));
    return new Set(userIds.filter((id) => this.known.has(id)));
  }

  private remember(ids: Iterable<string>): void {
    for (const id of ids) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: bounds memory only; forgetting asks the store again
      if (this.known.size >= KNOWN_CAPACITY) this.known.clear();
      this.known.add(id);
    }
  }
}
