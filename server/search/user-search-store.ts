// The user search index (migration 20261206T000000Z-search): one row per account with its nickname, gender and
// birthday, and the text keywords match (user ID and nickname). Accounts are added by the account store in the
// transaction creating them; a profile update (server/relationships/profiles.ts) rewrites the user's row in the transaction storing the profile.
// Keywords match as in message-search-store.ts: FTS5 trigram (SQLite) or a pg_trgm GIN index (PostgreSQL) for 3
// characters or more, a LIKE for shorter ones (a scan of the user rows, bounded by the page: the walk is in user ID
// order and stops at the page's end; the total count of such a search reads every row).
import { sql, type RawBuilder } from "kysely";
import type { Profile } from "../../gen/chatwire/v1/profile_pb.js";
import { keywordMatch } from "./keyword-sql.js";
import type { Db, Engine, Executor, Tx } from "../storage/db.js";

export interface UserSearchTable {
  /** SQLite only: the FTS5 rowid. */
  id?: number;
  user_id: string;
  nick: string;
  /** Gender enum value; 0 unset. */
  gender: number;
  /** YYYYMMDD; 0 unset. */
  birthday: number;
  text: string;
}

export interface UserSearchTables {
  user_search: UserSearchTable;
}

/** Adds new accounts (no profile yet) to the index. */
export async function indexNewUsers(trx: Tx, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await trx
    .insertInto("user_search")
    .values(userIds.map((user_id) => ({ user_id, nick: "", gender: 0, birthday: 0, text: user_id })))
    .onConflict((oc) => oc.column("user_id").doNothing())
    .execute();
}

/** Refreshes a user's row from the profile being stored (in the transaction storing it). */
export async function indexProfile(trx: Tx, userId: string, profile: Profile): Promise<void> {
  const row = { nick: profile.nick, gender: profile.gender, birthday: profile.birthday, text: profile.nick ? `${userId}\n${profile.nick}` : userId };
  await trx
    .insertInto("user_search")
    .values({ user_id: userId, ...row })
    .onConflict((oc) => oc.column("user_id").doUpdateSet(row))
    .execute();
}

export interface UserCriteria {
  keywords: readonly string[];
  matchAll: boolean;
  gender?: number;
  minBirthday?: number;
  maxBirthday?: number;
}

export interface UserSearchStore {
  /** A page of matching user IDs in ID order after `afterUserId`, and how many match in all. */
  search(c: UserCriteria, afterUserId: string | undefined, limit: number, e?: Executor): Promise<{ total: number; userIds: string[] }>;
}

function conditions(engine: Engine, c: UserCriteria): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`(${sql.join(c.keywords.map((k) => sql`${keywordMatch(engine, k, "u", "user_fts")}`), c.matchAll ? sql` and ` : sql` or `)})`];
  if (c.gender !== undefined) parts.push(sql`u.gender = ${c.gender}`);
  if (c.minBirthday !== undefined) parts.push(sql`u.birthday >= ${c.minBirthday}`);
  if (c.maxBirthday !== undefined) parts.push(sql`u.birthday <= ${c.maxBirthday}`);
  return sql.join(parts, sql` and `);
}

export function createUserSearchStore(db: Db): UserSearchStore {
  return {
    async search(c, afterUserId, limit, e = db.kysely) {
      const where = conditions(db.engine, c);
      const { rows: counted } = await sql<{ n: number }>`select count(*) as n from user_search u where ${where}`.execute(e);
      const after = afterUserId === undefined ? sql`` : sql` and u.user_id > ${afterUserId}`;
      const { rows } = await sql<{ user_id: string }>`
        select u.user_id from user_search u where ${where}${after} order by u.user_id limit ${limit}`.execute(e);
      return { total: Number(counted[0]?.n ?? 0), userIds: rows.map((r) => r.user_id) };
    },
  };
}
