// The accounts table: a user exists once it has logged in or been imported.
import { indexNewUsers } from "../search/user-search-store.js";
import type { Db } from "../storage/db.js";
import { inList } from "../storage/sql-helpers.js";

export interface AccountTable {
  user_id: string;
  /** Unix ms. */
  create_time: number;
}

export interface AccountTables {
  account: AccountTable;
}

export interface AccountStore {
  /** Creates the accounts that do not exist yet; returns the IDs it created. Concurrent calls share one commit. */
  ensure(userIds: readonly string[], nowMs: number): Promise<string[]>;
  /** Returns the subset of `userIds` that exist. */
  existing(userIds: readonly string[]): Promise<Set<string>>;
}

export function createAccountStore(db: Db): AccountStore {
  return {
    async ensure(userIds, nowMs) {
      const unique = [...new Set(userIds)];
      // Stryker disable next-line ConditionalExpression,ArrayDeclaration: Accounts.ensure never asks for nothing
      if (unique.length === 0) return [];
      const created = await db.batch(async (trx) => {
        const rows = await trx
          .insertInto("account")
          .values(unique.map((user_id) => ({ user_id, create_time: nowMs })))
          .onConflict((oc) => oc.column("user_id").doNothing())
          .returning("user_id")
          .execute();
        // Searchable by ID from the start (searchCloudUsers).
        await indexNewUsers(trx, rows.map((row) => row.user_id));
        return rows;
      });
      const made = new Set(created.map((row) => row.user_id));
      return unique.filter((id) => made.has(id));
    },
    async existing(userIds) {
      if (userIds.length === 0) return new Set();
      const rows = await db.kysely.selectFrom("account").select("user_id").where(inList(db.engine, "user_id", userIds)).execute();
      return new Set(rows.map((row) => row.user_id));
    },
  };
}
