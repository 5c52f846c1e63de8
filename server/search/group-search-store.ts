// The group search index (migration 20261207T000000Z-group-search) and the group-member search. `group_search` has
// one row per group (ID, type, text = "<ID>\n<name>"), written by the group store (server/groups/group-store.ts) in
// the transaction creating, renaming or dismissing the group. Keywords match as for users (keyword-sql.ts): FTS5
// trigram (SQLite) or a pg_trgm GIN index (PostgreSQL) for 3 characters or more, a LIKE over the rows the other
// conditions select for shorter ones.
// Members are matched on user ID and nickname through `user_search` (indexed) or on their name card (a LIKE): the
// query starts from the caller's memberships (grp_member_user) and walks the members of those groups in
// (group ID, user ID) order (the primary key), so its scan is bounded by the members of the groups searched, i.e.
// the caller's own groups (at most joinedGroupsPerUser), never the whole table.
import { sql, type RawBuilder } from "kysely";
import { GroupType } from "../../gen/chatwire/v1/types_pb.js";
import { keywordMatch, substringMatch } from "./keyword-sql.js";
import type { Db, Executor, Tx } from "../storage/db.js";

export interface GroupSearchTable {
  /** SQLite only: the FTS5 rowid. */
  id?: number;
  group_id: string;
  type: number;
  text: string;
}

export interface GroupSearchTables {
  group_search: GroupSearchTable;
}

function textOf(groupId: string, name: string): string {
  return name ? `${groupId}\n${name}` : groupId;
}

/** Adds or refreshes a group's row (in the transaction creating or renaming it). */
export async function indexGroup(trx: Tx, groupId: string, type: number, name: string): Promise<void> {
  const row = { type, text: textOf(groupId, name) };
  await trx
    .insertInto("group_search")
    .values({ group_id: groupId, ...row })
    .onConflict((oc) => oc.column("group_id").doUpdateSet(row))
    .execute();
}

/** Drops a dismissed group's row. */
export async function unindexGroup(trx: Tx, groupId: string): Promise<void> {
  await trx.deleteFrom("group_search").where("group_id", "=", groupId).execute();
}

export interface GroupCriteria {
  keywords: readonly string[];
  matchAll: boolean;
  /** The searchable types asked for (never empty). */
  types: readonly GroupType[];
}

export interface MemberCriteria extends GroupCriteria {
  /** Only these groups (still only the caller's); undefined for all the caller's groups. */
  groupIds?: readonly string[];
}

export interface GroupSearchStore {
  /** A page of visible matching group IDs in ID order after `afterGroupId`, and how many match in all. */
  groups(caller: string, c: GroupCriteria, afterGroupId: string | undefined, limit: number, e?: Executor): Promise<{ total: number; groupIds: string[] }>;
  /** A page of matching members of the caller's groups in (group ID, user ID) order, and how many match in all. */
  members(
    caller: string,
    c: MemberCriteria,
    after: { groupId: string; userId: string } | undefined,
    limit: number,
    e?: Executor,
  ): Promise<{ total: number; members: { groupId: string; userId: string }[] }>;
}

const { WORK } = GroupType;

function joined(parts: readonly RawBuilder<unknown>[], all: boolean): RawBuilder<unknown> {
  return sql`(${sql.join(parts, all ? sql` and ` : sql` or `)})`;
}

export function createGroupSearchStore(db: Db): GroupSearchStore {
  return {
    async groups(caller, c, afterGroupId, limit, e = db.kysely) {
      const open = c.types.filter((t) => t !== WORK);
      // Public, Meeting and Community groups are found by anyone; Work groups by their members only.
      const visible: RawBuilder<unknown>[] = [];
      if (open.length > 0) visible.push(sql`g.type in (${sql.join(open)})`);
      if (c.types.includes(WORK)) {
        visible.push(sql`(g.type = ${WORK} and exists (select 1 from grp_member m where m.group_id = g.group_id and m.user_id = ${caller}))`);
      }
      const where = sql`${joined(c.keywords.map((k) => sql`${keywordMatch(db.engine, k, "g", "group_fts")}`), c.matchAll)} and ${joined(visible, false)}`;
      const { rows: counted } = await sql<{ n: number }>`select count(*) as n from group_search g where ${where}`.execute(e);
      const after = afterGroupId === undefined ? sql`` : sql` and g.group_id > ${afterGroupId}`;
      const { rows } = await sql<{ group_id: string }>`
        select g.group_id from group_search g where ${where}${after} order by g.group_id limit ${limit}`.execute(e);
      return { total: Number(counted[0]?.n ?? 0), groupIds: rows.map((r) => r.group_id) };
    },

    async members(caller, c, after, limit, e = db.kysely) {
      const match = joined(
        c.keywords.map((k) => sql`(${keywordMatch(db.engine, k, "u", "user_fts")} or ${substringMatch(db.engine, "m.name_card", k)})`),
        c.matchAll,
      );
      const parts: RawBuilder<unknown>[] = [sql`g.type in (${sql.join(c.types)})`, match];
      if (c.groupIds !== undefined) parts.push(sql`me.group_id in (${sql.join(c.groupIds)})`);
      const from = sql`from grp_member me
        join grp g on g.group_id = me.group_id
        join grp_member m on m.group_id = me.group_id
        left join user_search u on u.user_id = m.user_id
        where me.user_id = ${caller} and ${sql.join(parts, sql` and `)}`;
      const { rows: counted } = await sql<{ n: number }>`select count(*) as n ${from}`.execute(e);
      const page =
        after === undefined ? sql`` : sql` and (m.group_id > ${after.groupId} or (m.group_id = ${after.groupId} and m.user_id > ${after.userId}))`;
      const { rows } = await sql<{ group_id: string; user_id: string }>`
        select m.group_id, m.user_id ${from}${page} order by m.group_id, m.user_id limit ${limit}`.execute(e);
      return { total: Number(counted[0]?.n ?? 0), members: rows.map((r) => ({ groupId: r.group_id, userId: r.user_id })) };
    },
  };
}
