// Groups' tables. `grp` holds a group's profile plus what is allocated inside it: `member_count`, `member_ord` (the
// last member ordinal handed out: members page in join order by keyset on their ordinal, which is also the numeric
// `offset` of GetGroupMemberList), and its attributes (`attrs`, a JSON object) with `attr_version`, the optimistic
// concurrency check of attribute writes. `grp_member` is one row per membership; nothing is ever stored per member
// and per message. Times are Unix ms except `mute_until` (Unix seconds, as the official `muteUntil`).
import { sql } from "kysely";
import type { Db, Executor, Tx } from "../storage/db.js";
import { inList } from "../storage/sql-helpers.js";
import { indexGroup, unindexGroup } from "../search/group-search-store.js";

export interface GroupTable {
  group_id: string;
  /** GroupType. */
  type: number;
  name: string;
  avatar: string;
  introduction: string;
  notification: string;
  /** "" once the owner of a Work group left it. */
  owner_id: string;
  create_time: number;
  info_seq: number;
  last_info_time: number;
  /** 0: unlimited (AVChatRoom). */
  max_members: number;
  mute_all: number;
  /** JoinOption; InviteOption. */
  join_option: number;
  invite_option: number;
  /** JSON array of {key, value}. */
  custom: string;
  support_topic: number;
  member_count: number;
  member_ord: number;
  /** JSON object of the group attributes. */
  attrs: string;
  attr_version: number;
}

export interface GroupMemberTable {
  group_id: string;
  user_id: string;
  /** GroupMemberRole. */
  role: number;
  ord: number;
  join_time: number;
  name_card: string;
  /** Unix seconds; 0 when never muted. */
  mute_until: number;
  /** JSON array of {key, value}. */
  custom: string;
}

export interface GroupApplicationTable {
  group_id: string;
  /** The applicant (join) or the inviter (invitation). */
  applicant: string;
  /** "" for a join application; the invited user for an invitation. */
  invitee: string;
  note: string;
  time: number;
}

export interface GroupBanTable {
  group_id: string;
  user_id: string;
  until: number;
}

export interface GroupTopicTable {
  group_id: string;
  topic_id: string;
  name: string;
  avatar: string;
  introduction: string;
  notification: string;
  custom_data: string;
  mute_all: number;
  create_time: number;
}

export interface TopicRecord {
  groupId: string;
  topicId: string;
  name: string;
  avatar: string;
  introduction: string;
  notification: string;
  customData: string;
  muteAll: boolean;
  createTime: number;
}

export type TopicPatch = Partial<Pick<TopicRecord, "name" | "avatar" | "introduction" | "notification" | "customData" | "muteAll">>;

function topicOf(row: GroupTopicTable): TopicRecord {
  return {
    groupId: row.group_id,
    topicId: row.topic_id,
    name: row.name,
    avatar: row.avatar,
    introduction: row.introduction,
    notification: row.notification,
    customData: row.custom_data,
    muteAll: Number(row.mute_all) !== 0,
    createTime: Number(row.create_time),
  };
}

export interface GroupPinTable {
  group_id: string;
  seq: number;
  pinner_id: string;
  time: number;
}

export interface GroupMarkTable {
  group_id: string;
  mark: number;
  user_id: string;
}

export interface GroupCounterTable {
  group_id: string;
  key: string;
  value: number;
}

export interface GroupTables {
  grp: GroupTable;
  grp_member: GroupMemberTable;
  grp_application: GroupApplicationTable;
  grp_ban: GroupBanTable;
  grp_counter: GroupCounterTable;
  grp_mark: GroupMarkTable;
  grp_pin: GroupPinTable;
  grp_topic: GroupTopicTable;
}

export interface CustomField {
  key: string;
  value: string;
}

export interface GroupRecord {
  groupId: string;
  type: number;
  name: string;
  avatar: string;
  introduction: string;
  notification: string;
  ownerId: string;
  createTime: number;
  infoSeq: number;
  lastInfoTime: number;
  maxMembers: number;
  muteAll: boolean;
  joinOption: number;
  inviteOption: number;
  custom: CustomField[];
  supportTopic: boolean;
  memberCount: number;
  attrs: Record<string, string>;
  attrVersion: number;
}

export interface MemberRecord {
  groupId: string;
  userId: string;
  role: number;
  ord: number;
  joinTime: number;
  nameCard: string;
  muteUntil: number;
  custom: CustomField[];
}

export interface ApplicationRecord {
  groupId: string;
  applicant: string;
  invitee: string;
  note: string;
  time: number;
}

/** The profile fields a change may set. */
export type GroupPatch = Partial<Pick<GroupRecord, "name" | "avatar" | "introduction" | "notification" | "ownerId" | "muteAll" | "joinOption" | "inviteOption" | "custom">>;
export type MemberPatch = Partial<Pick<MemberRecord, "role" | "nameCard" | "muteUntil" | "custom">>;

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function groupOf(row: GroupTable): GroupRecord {
  return {
    groupId: row.group_id,
    type: Number(row.type),
    name: row.name,
    avatar: row.avatar,
    introduction: row.introduction,
    notification: row.notification,
    ownerId: row.owner_id,
    createTime: Number(row.create_time),
    infoSeq: Number(row.info_seq),
    lastInfoTime: Number(row.last_info_time),
    maxMembers: Number(row.max_members),
    muteAll: Number(row.mute_all) !== 0,
    joinOption: Number(row.join_option),
    inviteOption: Number(row.invite_option),
    custom: parseJson<CustomField[]>(row.custom, []),
    supportTopic: Number(row.support_topic) !== 0,
    memberCount: Number(row.member_count),
    attrs: parseJson<Record<string, string>>(row.attrs, {}),
    attrVersion: Number(row.attr_version),
  };
}

function memberOf(row: GroupMemberTable): MemberRecord {
  return {
    groupId: row.group_id,
    userId: row.user_id,
    role: Number(row.role),
    ord: Number(row.ord),
    joinTime: Number(row.join_time),
    nameCard: row.name_card,
    muteUntil: Number(row.mute_until),
    custom: parseJson<CustomField[]>(row.custom, []),
  };
}

function applicationOf(row: GroupApplicationTable): ApplicationRecord {
  return { groupId: row.group_id, applicant: row.applicant, invitee: row.invitee, note: row.note, time: Number(row.time) };
}

/** A new member: who, with which role and custom fields. */
export interface NewMember {
  userId: string;
  role: number;
  custom?: CustomField[];
}

export interface GroupStore {
  readonly db: Db;
  get(ex: Executor, groupId: string): Promise<GroupRecord | undefined>;
  insert(trx: Tx, group: Omit<GroupRecord, "memberCount" | "attrs" | "attrVersion" | "infoSeq">): Promise<boolean>;
  /** Changes profile fields, bumping the info sequence and time; returns the group after. */
  update(trx: Tx, groupId: string, patch: GroupPatch, nowMs: number): Promise<GroupRecord>;
  /** Deletes the group and everything in it. */
  remove(trx: Tx, groupId: string): Promise<void>;

  member(ex: Executor, groupId: string, userId: string): Promise<MemberRecord | undefined>;
  members(ex: Executor, groupId: string, userIds: readonly string[]): Promise<MemberRecord[]>;
  /** Adds the members not in the group yet, in order; returns the IDs added. */
  addMembers(trx: Tx, groupId: string, members: readonly NewMember[], nowMs: number): Promise<string[]>;
  /** Removes members; returns the IDs removed. */
  removeMembers(trx: Tx, groupId: string, userIds: readonly string[]): Promise<string[]>;
  updateMember(trx: Tx, groupId: string, userId: string, patch: MemberPatch): Promise<MemberRecord | undefined>;
  /**
   * One page of members in join order after ordinal `after` (`newest`: in reverse join order before it, 0 for the
   * first page), optionally of one role or with one mark.
   */
  page(ex: Executor, groupId: string, after: number, limit: number, filter?: { role?: number; mark?: number; newest?: boolean }): Promise<MemberRecord[]>;
  /** Sets or removes a mark on members; returns the distinct marks the group then uses. */
  mark(trx: Tx, groupId: string, mark: number, userIds: readonly string[], enable: boolean): Promise<number>;
  /** The user IDs of a group's members after ordinal `after`, in join order. */
  memberIds(ex: Executor, groupId: string, after: number, limit: number): Promise<{ userId: string; ord: number }[]>;
  /** A user's memberships with their groups. */
  groupsOf(ex: Executor, userId: string, limit: number): Promise<{ member: MemberRecord; group: GroupRecord }[]>;
  /** How many groups of types counted toward the joined-group limit each user is in. */
  joinedCounts(ex: Executor, userIds: readonly string[], types: readonly number[]): Promise<Map<string, number>>;

  application(ex: Executor, groupId: string, applicant: string, invitee: string): Promise<ApplicationRecord | undefined>;
  putApplication(trx: Tx, app: ApplicationRecord): Promise<void>;
  removeApplication(trx: Tx, groupId: string, applicant: string, invitee: string): Promise<boolean>;
  /** Pending applications of the groups the user owns or administers, newest first. */
  applicationsFor(ex: Executor, userId: string, limit: number): Promise<ApplicationRecord[]>;
  applicationCount(ex: Executor, groupId: string): Promise<number>;

  banUntil(ex: Executor, groupId: string, userId: string): Promise<number>;
  ban(trx: Tx, groupId: string, userIds: readonly string[], untilMs: number): Promise<void>;

  /** A community's topics (all, or the named ones), by ID. */
  topics(ex: Executor, groupId: string, topicIds: readonly string[] | undefined, limit: number): Promise<TopicRecord[]>;
  /** Creates a topic; false when its ID is taken. */
  insertTopic(trx: Tx, topic: TopicRecord): Promise<boolean>;
  updateTopic(trx: Tx, groupId: string, topicId: string, patch: TopicPatch): Promise<TopicRecord | undefined>;
  /** Deletes topics; returns the IDs deleted. */
  deleteTopics(trx: Tx, groupId: string, topicIds: readonly string[]): Promise<string[]>;
  /** The pinned messages of a group, by sequence. */
  pins(ex: Executor, groupId: string, limit: number): Promise<{ seq: number; pinnerId: string; time: number }[]>;
  /** Pins (or, with `pinnerId` undefined, unpins) a message; returns whether anything changed. */
  setPin(trx: Tx, groupId: string, seq: number, pinnerId: string | undefined, nowMs: number): Promise<boolean>;
  /** Writes attributes if their version is still `version`; false when they changed meanwhile. */
  writeAttrs(trx: Tx, groupId: string, attrs: Record<string, string>, version: number): Promise<boolean>;
  counters(ex: Executor, groupId: string, keys?: readonly string[]): Promise<Map<string, number>>;
  counterCount(ex: Executor, groupId: string): Promise<number>;
  setCounters(trx: Tx, groupId: string, values: ReadonlyMap<string, number>): Promise<void>;
  /** Adds `delta` to a counter (created at 0); returns its new value. */
  addToCounter(trx: Tx, groupId: string, key: string, delta: number): Promise<number>;
}

export function createGroupStore(db: Db): GroupStore {
  return {
    db,
    async get(ex, groupId) {
      const row = await ex.selectFrom("grp").selectAll().where("group_id", "=", groupId).executeTakeFirst();
      return row && groupOf(row);
    },
    async insert(trx, g) {
      const rows = await trx
        .insertInto("grp")
        .values({
          group_id: g.groupId,
          type: g.type,
          name: g.name,
          avatar: g.avatar,
          introduction: g.introduction,
          notification: g.notification,
          owner_id: g.ownerId,
          create_time: g.createTime,
          info_seq: 1,
          last_info_time: g.lastInfoTime,
          max_members: g.maxMembers,
          mute_all: g.muteAll ? 1 : 0,
          join_option: g.joinOption,
          invite_option: g.inviteOption,
          custom: JSON.stringify(g.custom),
          support_topic: g.supportTopic ? 1 : 0,
          member_count: 0,
          member_ord: 0,
          attrs: "{}",
          attr_version: 0,
        })
        .onConflict((oc) => oc.column("group_id").doNothing())
        .returning("group_id")
        .execute();
      // Searchable (searchCloudGroups) from the transaction creating it.
      if (rows.length === 1) await indexGroup(trx, g.groupId, g.type, g.name);
      return rows.length === 1;
    },
    async update(trx, groupId, patch, nowMs) {
      const set: Partial<GroupTable> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.avatar !== undefined) set.avatar = patch.avatar;
      if (patch.introduction !== undefined) set.introduction = patch.introduction;
      if (patch.notification !== undefined) set.notification = patch.notification;
      if (patch.ownerId !== undefined) set.owner_id = patch.ownerId;
      if (patch.muteAll !== undefined) set.mute_all = patch.muteAll ? 1 : 0;
      if (patch.joinOption !== undefined) set.join_option = patch.joinOption;
      if (patch.inviteOption !== undefined) set.invite_option = patch.inviteOption;
      if (patch.custom !== undefined) set.custom = JSON.stringify(patch.custom);
      const row = await trx
        .updateTable("grp")
        .set({ ...set, last_info_time: nowMs, info_seq: sql`info_seq + 1` })
        .where("group_id", "=", groupId)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (patch.name !== undefined) await indexGroup(trx, groupId, Number(row.type), row.name);
      return groupOf(row);
    },
    async remove(trx, groupId) {
      await unindexGroup(trx, groupId);
      for (const table of ["grp_member", "grp_application", "grp_ban", "grp_counter", "grp_mark", "grp_pin", "grp_topic", "grp"] as const) {
        await trx.deleteFrom(table).where("group_id", "=", groupId).execute();
      }
    },

    async member(ex, groupId, userId) {
      const row = await ex.selectFrom("grp_member").selectAll().where("group_id", "=", groupId).where("user_id", "=", userId).executeTakeFirst();
      return row && memberOf(row);
    },
    async members(ex, groupId, userIds) {
      if (userIds.length === 0) return [];
      const rows = await ex.selectFrom("grp_member").selectAll().where("group_id", "=", groupId).where(inList(db.engine, "user_id", userIds)).execute();
      return rows.map(memberOf);
    },
    async addMembers(trx, groupId, members, nowMs) {
      const existing = new Set((await this.members(trx, groupId, members.map((m) => m.userId))).map((m) => m.userId));
      const fresh = members.filter((m, i) => !existing.has(m.userId) && members.findIndex((o) => o.userId === m.userId) === i);
      if (fresh.length === 0) return [];
      const head = await trx
        .updateTable("grp")
        .set({ member_ord: sql`member_ord + ${fresh.length}`, member_count: sql`member_count + ${fresh.length}` })
        .where("group_id", "=", groupId)
        .returning("member_ord")
        .executeTakeFirstOrThrow();
      const first = Number(head.member_ord) - fresh.length + 1;
      await trx
        .insertInto("grp_member")
        .values(
          fresh.map((m, i) => ({
            group_id: groupId,
            user_id: m.userId,
            role: m.role,
            ord: first + i,
            join_time: nowMs,
            name_card: "",
            mute_until: 0,
            custom: JSON.stringify(m.custom ?? []),
          })),
        )
        .execute();
      return fresh.map((m) => m.userId);
    },
    async removeMembers(trx, groupId, userIds) {
      if (userIds.length === 0) return [];
      const rows = await trx
        .deleteFrom("grp_member")
        .where("group_id", "=", groupId)
        .where(inList(db.engine, "user_id", userIds))
        .returning("user_id")
        .execute();
      if (rows.length > 0) {
        await trx
          .updateTable("grp")
          .set({ member_count: sql`member_count - ${rows.length}` })
          .where("group_id", "=", groupId)
          .execute();
      }
      const removed = new Set(rows.map((r) => r.user_id));
      if (rows.length > 0) await trx.deleteFrom("grp_mark").where("group_id", "=", groupId).where(inList(db.engine, "user_id", [...removed])).execute();
      return userIds.filter((id) => removed.has(id));
    },
    async updateMember(trx, groupId, userId, patch) {
      const set: Partial<GroupMemberTable> = {};
      if (patch.role !== undefined) set.role = patch.role;
      if (patch.nameCard !== undefined) set.name_card = patch.nameCard;
      if (patch.muteUntil !== undefined) set.mute_until = patch.muteUntil;
      if (patch.custom !== undefined) set.custom = JSON.stringify(patch.custom);
      const row = await trx
        .updateTable("grp_member")
        .set(set)
        .where("group_id", "=", groupId)
        .where("user_id", "=", userId)
        .returningAll()
        .executeTakeFirst();
      return row && memberOf(row);
    },
    async page(ex, groupId, after, limit, filter = {}) {
      let q = ex.selectFrom("grp_member").selectAll("grp_member").where("grp_member.group_id", "=", groupId);
      if (filter.role !== undefined) q = q.where("grp_member.role", "=", filter.role);
      if (filter.mark !== undefined) {
        q = q.where(({ exists, selectFrom }) =>
          exists(
            selectFrom("grp_mark")
              .select("grp_mark.user_id")
              .whereRef("grp_mark.group_id", "=", "grp_member.group_id")
              .whereRef("grp_mark.user_id", "=", "grp_member.user_id")
              .where("grp_mark.mark", "=", filter.mark!),
          ),
        );
      }
      if (filter.newest) {
        if (after > 0) q = q.where("grp_member.ord", "<", after);
        return (await q.orderBy("grp_member.ord", "desc").limit(limit).execute()).map(memberOf);
      }
      return (await q.where("grp_member.ord", ">", after).orderBy("grp_member.ord").limit(limit).execute()).map(memberOf);
    },
    async mark(trx, groupId, mark, userIds, enable) {
      if (userIds.length > 0) {
        if (enable) {
          await trx
            .insertInto("grp_mark")
            .values(userIds.map((user_id) => ({ group_id: groupId, mark, user_id })))
            .onConflict((oc) => oc.columns(["group_id", "mark", "user_id"]).doNothing())
            .execute();
        } else {
          await trx.deleteFrom("grp_mark").where("group_id", "=", groupId).where("mark", "=", mark).where(inList(db.engine, "user_id", userIds)).execute();
        }
      }
      const rows = await trx.selectFrom("grp_mark").select("mark").distinct().where("group_id", "=", groupId).limit(1000).execute();
      return rows.length;
    },
    async memberIds(ex, groupId, after, limit) {
      const rows = await ex
        .selectFrom("grp_member")
        .select(["user_id", "ord"])
        .where("group_id", "=", groupId)
        .where("ord", ">", after)
        .orderBy("ord")
        .limit(limit)
        .execute();
      return rows.map((r) => ({ userId: r.user_id, ord: Number(r.ord) }));
    },
    async groupsOf(ex, userId, limit) {
      const memberships = await ex.selectFrom("grp_member").selectAll().where("user_id", "=", userId).orderBy("group_id").limit(limit).execute();
      if (memberships.length === 0) return [];
      const groups = await ex
        .selectFrom("grp")
        .selectAll()
        .where(inList(db.engine, "group_id", memberships.map((m) => m.group_id)))
        .execute();
      const byId = new Map(groups.map((g) => [g.group_id, groupOf(g)]));
      return memberships.flatMap((m) => {
        const group = byId.get(m.group_id);
        return group ? [{ member: memberOf(m), group }] : [];
      });
    },
    async joinedCounts(ex, userIds, types) {
      const counts = new Map<string, number>();
      if (userIds.length === 0) return counts;
      const rows = await ex
        .selectFrom("grp_member")
        .innerJoin("grp", "grp.group_id", "grp_member.group_id")
        .select(["grp_member.user_id as user_id", (eb) => eb.fn.countAll<number>().as("n")])
        .where(inList(db.engine, "grp_member.user_id", userIds))
        .where("grp.type", "in", [...types])
        .groupBy("grp_member.user_id")
        .execute();
      for (const row of rows) counts.set(row.user_id, Number(row.n));
      return counts;
    },

    async application(ex, groupId, applicant, invitee) {
      const row = await ex
        .selectFrom("grp_application")
        .selectAll()
        .where("group_id", "=", groupId)
        .where("applicant", "=", applicant)
        .where("invitee", "=", invitee)
        .executeTakeFirst();
      return row && applicationOf(row);
    },
    async putApplication(trx, app) {
      await trx
        .insertInto("grp_application")
        .values({ group_id: app.groupId, applicant: app.applicant, invitee: app.invitee, note: app.note, time: app.time })
        .onConflict((oc) => oc.columns(["group_id", "applicant", "invitee"]).doUpdateSet({ note: app.note, time: app.time }))
        .execute();
    },
    async removeApplication(trx, groupId, applicant, invitee) {
      const rows = await trx
        .deleteFrom("grp_application")
        .where("group_id", "=", groupId)
        .where("applicant", "=", applicant)
        .where("invitee", "=", invitee)
        .returning("group_id")
        .execute();
      return rows.length > 0;
    },
    async applicationsFor(ex, userId, limit) {
      const rows = await ex
        .selectFrom("grp_member")
        .innerJoin("grp_application", "grp_application.group_id", "grp_member.group_id")
        .selectAll("grp_application")
        .where("grp_member.user_id", "=", userId)
        .where("grp_member.role", "in", [1, 2])
        .orderBy("grp_application.time", "desc")
        .orderBy("grp_application.group_id")
        .orderBy("grp_application.applicant")
        .limit(limit)
        .execute();
      return rows.map(applicationOf);
    },
    async applicationCount(ex, groupId) {
      const row = await ex
        .selectFrom("grp_application")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("group_id", "=", groupId)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async banUntil(ex, groupId, userId) {
      const row = await ex.selectFrom("grp_ban").select("until").where("group_id", "=", groupId).where("user_id", "=", userId).executeTakeFirst();
      return row ? Number(row.until) : 0;
    },
    async ban(trx, groupId, userIds, untilMs) {
      if (userIds.length === 0) return;
      await trx
        .insertInto("grp_ban")
        .values(userIds.map((user_id) => ({ group_id: groupId, user_id, until: untilMs })))
        .onConflict((oc) => oc.columns(["group_id", "user_id"]).doUpdateSet({ until: untilMs }))
        .execute();
    },

    async topics(ex, groupId, topicIds, limit) {
      let q = ex.selectFrom("grp_topic").selectAll().where("group_id", "=", groupId);
      if (topicIds) {
        if (topicIds.length === 0) return [];
        q = q.where(inList(db.engine, "topic_id", topicIds));
      }
      return (await q.orderBy("topic_id").limit(limit).execute()).map(topicOf);
    },
    async insertTopic(trx, t) {
      const rows = await trx
        .insertInto("grp_topic")
        .values({
          group_id: t.groupId,
          topic_id: t.topicId,
          name: t.name,
          avatar: t.avatar,
          introduction: t.introduction,
          notification: t.notification,
          custom_data: t.customData,
          mute_all: t.muteAll ? 1 : 0,
          create_time: t.createTime,
        })
        .onConflict((oc) => oc.columns(["group_id", "topic_id"]).doNothing())
        .returning("topic_id")
        .execute();
      return rows.length === 1;
    },
    async updateTopic(trx, groupId, topicId, patch) {
      const set: Partial<GroupTopicTable> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.avatar !== undefined) set.avatar = patch.avatar;
      if (patch.introduction !== undefined) set.introduction = patch.introduction;
      if (patch.notification !== undefined) set.notification = patch.notification;
      if (patch.customData !== undefined) set.custom_data = patch.customData;
      if (patch.muteAll !== undefined) set.mute_all = patch.muteAll ? 1 : 0;
      const q = Object.keys(set).length > 0 ? trx.updateTable("grp_topic").set(set) : trx.updateTable("grp_topic").set({ topic_id: topicId });
      const row = await q.where("group_id", "=", groupId).where("topic_id", "=", topicId).returningAll().executeTakeFirst();
      return row && topicOf(row);
    },
    async deleteTopics(trx, groupId, topicIds) {
      if (topicIds.length === 0) return [];
      const rows = await trx.deleteFrom("grp_topic").where("group_id", "=", groupId).where(inList(db.engine, "topic_id", topicIds)).returning("topic_id").execute();
      const gone = new Set(rows.map((r) => r.topic_id));
      return topicIds.filter((id) => gone.has(id));
    },
    async pins(ex, groupId, limit) {
      const rows = await ex.selectFrom("grp_pin").selectAll().where("group_id", "=", groupId).orderBy("seq").limit(limit).execute();
      return rows.map((r) => ({ seq: Number(r.seq), pinnerId: r.pinner_id, time: Number(r.time) }));
    },
    async setPin(trx, groupId, seq, pinnerId, nowMs) {
      if (pinnerId === undefined) {
        const rows = await trx.deleteFrom("grp_pin").where("group_id", "=", groupId).where("seq", "=", seq).returning("seq").execute();
        return rows.length > 0;
      }
      const rows = await trx
        .insertInto("grp_pin")
        .values({ group_id: groupId, seq, pinner_id: pinnerId, time: nowMs })
        .onConflict((oc) => oc.columns(["group_id", "seq"]).doNothing())
        .returning("seq")
        .execute();
      return rows.length > 0;
    },
    async writeAttrs(trx, groupId, attrs, version) {
      const rows = await trx
        .updateTable("grp")
        .set({ attrs: JSON.stringify(attrs), attr_version: sql`attr_version + 1` })
        .where("group_id", "=", groupId)
        .where("attr_version", "=", version)
        .returning("group_id")
        .execute();
      return rows.length === 1;
    },
    async counters(ex, groupId, keys) {
      let q = ex.selectFrom("grp_counter").select(["key", "value"]).where("group_id", "=", groupId);
      if (keys) {
        if (keys.length === 0) return new Map();
        q = q.where(inList(db.engine, "key", keys));
      }
      const rows = await q.orderBy("key").execute();
      return new Map(rows.map((r) => [r.key, Number(r.value)]));
    },
    async counterCount(ex, groupId) {
      const row = await ex
        .selectFrom("grp_counter")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("group_id", "=", groupId)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async setCounters(trx, groupId, values) {
      if (values.size === 0) return;
      await trx
        .insertInto("grp_counter")
        .values([...values].map(([key, value]) => ({ group_id: groupId, key, value })))
        .onConflict((oc) => oc.columns(["group_id", "key"]).doUpdateSet((eb) => ({ value: eb.ref("excluded.value") })))
        .execute();
    },
    async addToCounter(trx, groupId, key, delta) {
      const row = await trx
        .insertInto("grp_counter")
        .values({ group_id: groupId, key, value: delta })
        .onConflict((oc) => oc.columns(["group_id", "key"]).doUpdateSet({ value: sql`grp_counter.value + ${delta}` }))
        .returning("value")
        .executeTakeFirstOrThrow();
      return Number(row.value);
    },
  };
}
