// The groups domain: groups of every type (Work, Public, Meeting, AVChatRoom, Community), their members and roles,
// join applications and invitations, attributes and counters. Every change runs in one transaction that also checks
// the caller's standing, so a refused call changes nothing; events are published once the change is durable.
// GROUP_LIST_UPDATED carries each recipient's whole list, read after the commit through one serial queue, so a later
// change's list is never delivered before an earlier one's.
import { create } from "@bufbuild/protobuf";
import {
  GroupApplicationSchema,
  GroupOperatorInfoSchema,
  GroupCustomFieldSchema,
  GroupLastMessageSchema,
  GroupSchema,
  GroupSelfInfoSchema,
  type Group,
  type GroupApplication,
  type GroupCustomField,
} from "../../gen/chatwire/v1/group_pb.js";
import { GroupMemberSchema, type GroupMember } from "../../gen/chatwire/v1/group_member_pb.js";
import { MessageSchema, UserInfoSchema, type Message } from "../../gen/chatwire/v1/message_pb.js";
import { GroupMemberRole, GroupProfileField, GroupTipType, GroupType, InviteOption, JoinOption, JoinStatus, MessageRemindType } from "../../gen/chatwire/v1/types_pb.js";
import type { Accounts } from "../accounts/accounts.js";
import type { Clock } from "../clock.js";
import type { ProfileSource } from "../conversations/conversations.js";
import type { EventBus } from "../events/event-bus.js";
import { chatError } from "../rpc/chat-error.js";
import type { Executor, Tx } from "../storage/db.js";
import type { ApplicationRecord, CustomField, GroupRecord, GroupStore, MemberPatch, MemberRecord, NewMember, TopicRecord } from "./group-store.js";
import { TopicSchema, TopicSelfInfoSchema, type Topic } from "../../gen/chatwire/v1/community_pb.js";

export const GROUP_INVALID_PARAMETER = 10004;
export const NO_PERMISSION = 10007;
const OWNER_CANNOT_QUIT = 10009;
export const GROUP_NOT_FOUND = 10010;
const GROUP_FULL = 10014;
const MEMBER_MUTED = 10017;
const INVALID_USER_ID = 10019;
const GROUP_ID_IN_USE = 10021;
const ATTRIBUTES_CONFLICT = 10056;
const ILLEGAL_GRP_TYPE = 2600;
const CANNOT_JOIN_WORK = 2601;
const ILLEGAL_GRP_ID = 2602;
const CANNOT_FIND_GRP = 2603;
const CANNOT_CHANGE_OWNER_IN_AV = 2620;
const CANNOT_CHANGE_OWNER_TO_SELF = 2621;
const CANNOT_DISMISS_WORK = 2622;
const MEMBER_NOT_IN_GRP = 2623;
const ATTRIBUTES_NOT_JOINED = 2642;
const CANNOT_ADD_MEMBER_IN_AV = 2661;
const NOT_OWNER = 2681;
const CANNOT_SET_ROLE = 2682;
const INVALID_MEMBER_ROLE = 2683;
const CANNOT_SET_SELF_ROLE = 2684;
const CANNOT_MUTE_SELF = 2685;
const BAN_DURATION_INVALID = 2686;
const NOT_SUPPORTED_IN_AV = 2687;

const { WORK, PUBLIC, MEETING, AVCHATROOM, COMMUNITY } = GroupType;
const { OWNER, ADMIN, MEMBER, CUSTOM } = GroupMemberRole;

export interface GroupLimits {
  /** Groups (other than AVChatRoom) a user may be in; past it users go to overLimitUserIDList. */
  joinedGroupsPerUser: number;
  /** Pending join applications and invitations a group keeps; past it applying answers 10004. */
  pendingApplicationsPerGroup: number;
}

export const defaultGroupLimits: GroupLimits = { joinedGroupsPerUser: 500, pendingApplicationsPerGroup: 1000 };

/** The maximum member count of each type: the default, and the most a creator may ask for. */
const MAX_MEMBERS: Record<number, number> = { [WORK]: 200, [PUBLIC]: 2000, [MEETING]: 10_000, [AVCHATROOM]: 0, [COMMUNITY]: 100_000 };
const INTRODUCTION_BYTES = 240;
const NAME_CARD_BYTES = 50;
const NOTE_BYTES = 300;
const CUSTOM_FIELDS = 16;
const CUSTOM_KEY_BYTES = 16;
const GROUP_CUSTOM_VALUE_BYTES = 512;
const MEMBER_CUSTOM_VALUE_BYTES = 64;
const MEMBER_PAGE_DEFAULT = 15;
const MEMBER_PAGE_MAX = 100;
const AV_MEMBER_PAGE = 500;
const DELETE_MAX = 500;
const ATTR_KEYS = 16;
const ATTR_TOTAL_BYTES = 16_384;
const COUNTERS_PER_GROUP = 20;
const COUNTER_KEY_BYTES = 128;
const COUNTER_LIMIT = Number.MAX_SAFE_INTEGER;
const APPLICATION_LIST_MAX = 200;
const RECIPIENT_PAGE = 1000;
/** Group system notice operation types (GroupSystemNoticePayload.operation_type). */
const NOTICE = {
  JOIN_REQUEST: 1,
  ACCEPTED: 2,
  REJECTED: 3,
  KICKED: 4,
  DISMISSED: 5,
  INVITED: 7,
  QUIT: 8,
  MADE_ADMIN: 9,
  ADMIN_REVOKED: 10,
  INVITATION_TO_APPROVE: 12,
  INVITATION_ACCEPTED: 13,
  INVITATION_REJECTED: 14,
} as const;
const MARKS_PER_GROUP = 10;
const PINS_PER_GROUP = 10;
const TOPICS_PER_COMMUNITY = 100;
const TOPIC_NAME_BYTES = 150;
const TOPIC_ID_BYTES = 128;
const TOPIC_CUSTOM_DATA_BYTES = 256;
const ILLEGAL_TOPIC_ID = 3021;

const utf8 = (s: string) => Buffer.byteLength(s, "utf8");

export interface GroupDeps {
  store: GroupStore;
  accounts: Accounts;
  profiles: ProfileSource;
  bus: EventBus;
  clock: Clock;
  isOnline(userId: string): boolean;
  /** Gives new members their row of the group conversation, in the transaction adding them (conversations' seam). */
  onJoined?(trx: Tx, groupId: string, userIds: readonly string[], nowMs: number): Promise<void>;
  /** Adds a group tip to the group's history and delivers it to `recipients` (messages' seam). */
  tips?(groupId: string, operatorId: string, tip: GroupTip, recipients: readonly string[]): Promise<unknown>;
  /** Sends a group system notice to each user's @TIM#SYSTEM conversation (messages' seam). */
  notices?(userIds: readonly string[], notice: { operationType: number; groupId: string; groupName: string; groupType: number; operatorId: string; handleMessage?: string }): Promise<unknown>;
  /** Each group's next message sequence and last message (messages' seam, for profiles and lists). */
  heads?(groupIds: readonly string[]): Promise<Map<string, { nextSeq: number; last?: { time: number; seq: number; from: string; forShow: string } }>>;
  /** A stored message of the group by its sequence, as members see it (messages' seam, for pins). */
  messageAt?(groupId: string, seq: number): Promise<Message | undefined>;
  /** Whether a group ID has message history (a dismissed group's): such an ID is not given to a new group. */
  hasHistory?(groupId: string): Promise<boolean>;
  limits?: Partial<GroupLimits>;
}

function invalid(message: string): Error {
  return chatError(GROUP_INVALID_PARAMETER, message);
}

function isTypeListed(group: GroupRecord): boolean {
  return group.type !== AVCHATROOM && !(group.type === COMMUNITY && group.supportTopic);
}

function checkCustomFields(fields: readonly { key: string; value: string }[], valueBytes: number): CustomField[] {
  if (fields.length > CUSTOM_FIELDS) throw invalid(`at most ${CUSTOM_FIELDS} custom fields`);
  for (const f of fields) {
    if (f.key.length === 0 || utf8(f.key) > CUSTOM_KEY_BYTES) throw invalid(`a custom field key is empty or exceeds ${CUSTOM_KEY_BYTES} bytes`);
    if (utf8(f.value) > valueBytes) throw invalid(`a custom field value exceeds ${valueBytes} bytes`);
  }
  return fields.map((f) => ({ key: f.key, value: f.value }));
}

/** Sets `changes` over `current` by key, keeping the others in order; at most CUSTOM_FIELDS keys in all. */
function mergeFields(current: readonly CustomField[], changes: readonly CustomField[]): CustomField[] {
  const merged = current.map((f) => ({ ...f }));
  for (const c of changes) {
    const found = merged.find((f) => f.key === c.key);
    if (found) found.value = c.value;
    else merged.push({ ...c });
  }
  if (merged.length > CUSTOM_FIELDS) throw invalid(`at most ${CUSTOM_FIELDS} custom fields`);
  return merged;
}

function fieldsOut(fields: readonly CustomField[], filter?: readonly string[]): GroupCustomField[] {
  const shown = filter && filter.length > 0 ? fields.filter((f) => filter.includes(f.key)) : fields;
  return shown.map((f) => create(GroupCustomFieldSchema, { key: f.key, value: f.value }));
}

function newGroupId(type: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let tail = "";
  for (let i = 0; i < 10; i++) tail += alphabet[Math.floor(Math.random() * alphabet.length)];
  if (type === COMMUNITY) return `@TGS#_@TGS#c${tail}`;
  return `@TGS#${type === AVCHATROOM ? "a" : "2"}${tail}`;
}

/** Printable ASCII, at most 48 bytes (the validator), and the prefix rule of the type (2602). */
function checkCustomGroupId(groupId: string, type: number): void {
  if (!/^[\x20-\x7e]+$/.test(groupId)) throw chatError(ILLEGAL_GRP_ID, "a custom group ID is printable ASCII");
  if (type === COMMUNITY ? !groupId.startsWith("@TGS#_") || groupId.length <= 6 : groupId.startsWith("@TGS#")) {
    throw chatError(ILLEGAL_GRP_ID, type === COMMUNITY ? 'a Community ID starts with "@TGS#_"' : 'a custom group ID must not start with "@TGS#"');
  }
}

/** What a group tip says (GroupTipPayload without the operator and the group, which the tip's sender fills in). */
export interface GroupTip {
  operationType: GroupTipType;
  userIdList: string[];
  memberList: { userId: string; muteTime: bigint }[];
  newGroupProfile?: Partial<{ name: string; avatar: string; introduction: string; notification: string; ownerId: string; muteAllMembers: boolean; joinOption: JoinOption; inviteOption: InviteOption; groupCustomField: { key: string; value: string }[] }>;
  memberNum: number;
  memberCount: number;
}

export class Groups {
  private readonly limits: GroupLimits;
  private announcing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: GroupDeps) {
    this.limits = { ...defaultGroupLimits, ...deps.limits };
  }

  private get store(): GroupStore {
    return this.deps.store;
  }

  private nowMs(): number {
    return this.deps.clock.now();
  }

  // ---- the seam other domains use

  async exists(groupId: string): Promise<boolean> {
    return (await this.store.get(this.store.db.kysely, groupId)) !== undefined;
  }

  async isMember(groupId: string, userId: string): Promise<boolean> {
    return (await this.store.member(this.store.db.kysely, groupId, userId)) !== undefined;
  }

  /** Whether `userId` may send to the group (messages' seam): 10010 unknown, 10007 not a member, 10017 muted. */
  async senderOf(groupId: string, userId: string): Promise<{ code: number; nameCard: string }> {
    const ex = this.store.db.kysely;
    const group = await this.store.get(ex, groupId);
    if (!group) return { code: GROUP_NOT_FOUND, nameCard: "" };
    const member = await this.store.member(ex, groupId, userId);
    if (!member) return { code: NO_PERMISSION, nameCard: "" };
    const manager = member.role === OWNER || member.role === ADMIN;
    if (member.muteUntil * 1000 > this.nowMs() || (group.muteAll && !manager)) return { code: MEMBER_MUTED, nameCard: member.nameCard };
    return { code: 0, nameCard: member.nameCard };
  }

  /** Whether the user owns or administers the group. */
  async isManager(groupId: string, userId: string): Promise<boolean> {
    const member = await this.store.member(this.store.db.kysely, groupId, userId);
    return member?.role === OWNER || member?.role === ADMIN;
  }

  /** Every member's user ID (messages' fan-out). */
  memberIds(groupId: string): Promise<string[]> {
    return this.allMemberIds(this.store.db.kysely, groupId);
  }

  // ---- views

  /** The full profile, with the caller's own membership when it has one. */
  profileOf(group: GroupRecord, self?: MemberRecord, filters: { group?: readonly string[]; member?: readonly string[] } = {}): Group {
    return create(GroupSchema, {
      groupId: group.groupId,
      name: group.name,
      avatar: group.avatar,
      type: group.type,
      introduction: group.introduction,
      notification: group.notification,
      ownerId: group.ownerId,
      createTime: BigInt(Math.floor(group.createTime / 1000)),
      infoSequence: BigInt(group.infoSeq),
      lastInfoTime: BigInt(Math.floor(group.lastInfoTime / 1000)),
      selfInfo: this.selfInfoOf(self, filters.member),
      lastMessage: create(GroupLastMessageSchema, {}),
      nextMessageSeq: 1n,
      memberCount: group.memberCount,
      maxMemberCount: group.maxMembers,
      muteAllMembers: group.muteAll,
      joinOption: group.joinOption,
      inviteOption: group.inviteOption,
      groupCustomField: fieldsOut(group.custom, filters.group),
      isSupportTopic: group.supportTopic,
    });
  }

  private selfInfoOf(self: MemberRecord | undefined, memberFilter?: readonly string[]) {
    if (!self) return create(GroupSelfInfoSchema, {});
    return create(GroupSelfInfoSchema, {
      messageRemindType: MessageRemindType.ACPT_AND_NOTE,
      joinTime: BigInt(Math.floor(self.joinTime / 1000)),
      nameCard: self.nameCard,
      role: self.role,
      userId: self.userId,
      memberCustomField: fieldsOut(self.custom, memberFilter),
    });
  }

  /** GetGroupList's entry: the basic profile plus the fields the filter asks for. */
  private listEntryOf(group: GroupRecord, self: MemberRecord, filter: readonly GroupProfileField[]): Group {
    const full = this.profileOf(group, self);
    const has = (f: GroupProfileField) => filter.includes(f);
    return create(GroupSchema, {
      groupId: full.groupId,
      name: full.name,
      avatar: full.avatar,
      type: full.type,
      selfInfo: full.selfInfo,
      lastMessage: full.lastMessage,
      nextMessageSeq: full.nextMessageSeq,
      ownerId: has(GroupProfileField.OWNER_ID) ? full.ownerId : "",
      createTime: has(GroupProfileField.CREATE_TIME) ? full.createTime : 0n,
      lastInfoTime: has(GroupProfileField.LAST_INFO_TIME) ? full.lastInfoTime : 0n,
      memberCount: has(GroupProfileField.MEMBER_NUM) ? full.memberCount : 0,
      maxMemberCount: has(GroupProfileField.MAX_MEMBER_NUM) ? full.maxMemberCount : 0,
      joinOption: has(GroupProfileField.JOIN_OPTION) ? full.joinOption : JoinOption.UNSPECIFIED,
      inviteOption: has(GroupProfileField.INVITE_OPTION) ? full.inviteOption : InviteOption.UNSPECIFIED,
      introduction: has(GroupProfileField.INTRODUCTION) ? full.introduction : "",
      notification: has(GroupProfileField.NOTIFICATION) ? full.notification : "",
      muteAllMembers: has(GroupProfileField.MUTE_ALL_MBRS) ? full.muteAllMembers : false,
    });
  }

  private async memberViews(members: readonly MemberRecord[], opts: { avOnly?: boolean; filter?: readonly string[] } = {}): Promise<GroupMember[]> {
    const profiles = await this.deps.profiles.getProfiles(members.map((m) => m.userId));
    return members.map((m) => {
      const p = profiles.get(m.userId);
      const base = { userId: m.userId, nick: p?.nick ?? "", avatar: p?.avatar ?? "", role: m.role, joinTime: BigInt(Math.floor(m.joinTime / 1000)) };
      if (opts.avOnly) return create(GroupMemberSchema, base);
      return create(GroupMemberSchema, {
        ...base,
        nameCard: m.nameCard,
        muteUntil: BigInt(m.muteUntil),
        memberCustomField: fieldsOut(m.custom, opts.filter),
        isOnline: this.deps.isOnline(m.userId),
      });
    });
  }

  /** Fills in each group's last message and next message sequence from its history. */
  private async withHeads(groups: Group[]): Promise<Group[]> {
    if (!this.deps.heads || groups.length === 0) return groups;
    const heads = await this.deps.heads(groups.map((g) => g.groupId));
    for (const g of groups) {
      const head = heads.get(g.groupId);
      if (!head) continue;
      g.nextMessageSeq = BigInt(head.nextSeq);
      if (head.last) {
        g.lastMessage = create(GroupLastMessageSchema, {
          lastTime: BigInt(head.last.time),
          lastSequence: BigInt(head.last.seq),
          fromAccount: head.last.from,
          messageForShow: head.last.forShow,
        });
      }
    }
    return groups;
  }

  // ---- announcing

  /** Sends each user its whole group list, after every earlier announcement of this process. */
  private announceLists(userIds: Iterable<string>): Promise<void> {
    const users = [...new Set(userIds)];
    if (users.length === 0) return Promise.resolve();
    const run = this.announcing.then(async () => {
      for (const userId of users) {
        const groupList = await this.listOf(userId, []);
        this.deps.bus.publish([userId], { case: "groupListUpdated", value: { $typeName: "chatwire.v1.GroupListUpdated", groupList } });
      }
    });
    this.announcing = run.catch(() => {});
    return run;
  }

  /** Every member's user ID, page by page (bounded pages). */
  private async allMemberIds(ex: Executor, groupId: string): Promise<string[]> {
    const ids: string[] = [];
    for (let after = 0; ; ) {
      const page = await this.store.memberIds(ex, groupId, after, RECIPIENT_PAGE);
      for (const m of page) ids.push(m.userId);
      if (page.length < RECIPIENT_PAGE) return ids;
      after = page[page.length - 1]!.ord;
    }
  }

  /** Adds members and gives them the group conversation, in one transaction; returns the IDs added. */
  private async addMembersIn(trx: Tx, groupId: string, members: readonly NewMember[], nowMs: number): Promise<string[]> {
    const added = await this.store.addMembers(trx, groupId, members, nowMs);
    await this.deps.onJoined?.(trx, groupId, added, nowMs);
    return added;
  }

  /**
   * Tells the group (and `extra` users, e.g. those who just left) what changed, as a tip in its history; AVChatRoom
   * keeps no history and gets none.
   */
  private async tip(group: GroupRecord, operatorId: string, tip: Partial<GroupTip> & { operationType: GroupTipType }, extra: readonly string[] = []): Promise<void> {
    if (!this.deps.tips || group.type === AVCHATROOM) return;
    const members = await this.allMemberIds(this.store.db.kysely, group.groupId);
    const current = await this.store.get(this.store.db.kysely, group.groupId);
    const count = current?.memberCount ?? group.memberCount;
    await this.deps.tips(
      group.groupId,
      operatorId,
      { userIdList: [], memberList: [], memberNum: count, memberCount: count, ...tip },
      [...new Set([...members, ...extra])],
    );
  }

  /** Sends group system notice `operationType` (GroupSystemNoticePayload's numbering) about `group` to users. */
  private async notify(userIds: readonly string[], operationType: number, group: GroupRecord, operatorId: string, handleMessage = ""): Promise<void> {
    if (!this.deps.notices || userIds.length === 0) return;
    await this.deps.notices(userIds, { operationType, groupId: group.groupId, groupName: group.name, groupType: group.type, operatorId, handleMessage });
  }

  /** The owner and admins of a group (at most a few: the ones who handle applications). */
  private async managers(groupId: string): Promise<string[]> {
    const ex = this.store.db.kysely;
    const [owners, admins] = await Promise.all([this.store.page(ex, groupId, 0, 10, { role: OWNER }), this.store.page(ex, groupId, 0, 1000, { role: ADMIN })]);
    return [...owners, ...admins].map((m) => m.userId);
  }

  // ---- checks shared by calls

  private async groupOrFail(ex: Executor, groupId: string): Promise<GroupRecord> {
    const group = await this.store.get(ex, groupId);
    if (!group) throw chatError(GROUP_NOT_FOUND);
    return group;
  }

  private async memberOrFail(ex: Executor, groupId: string, userId: string, code = NO_PERMISSION): Promise<MemberRecord> {
    const member = await this.store.member(ex, groupId, userId);
    if (!member) throw chatError(code, "the caller is not a member of the group");
    return member;
  }

  private async overLimit(ex: Executor, userIds: readonly string[], extra = 0): Promise<Set<string>> {
    const counts = await this.store.joinedCounts(ex, userIds, [WORK, PUBLIC, MEETING, COMMUNITY]);
    return new Set(userIds.filter((id) => (counts.get(id) ?? 0) + extra > this.limits.joinedGroupsPerUser));
  }

  private async requireAccounts(userIds: readonly string[]): Promise<void> {
    const existing = await this.deps.accounts.existing(userIds);
    const unknown = userIds.filter((id) => !existing.has(id));
    if (unknown.length > 0) throw chatError(INVALID_USER_ID, `not valid accounts: ${unknown.slice(0, 10).join(", ")}`);
  }

  // ---- GroupService

  async create(userId: string, req: {
    name: string;
    type: number;
    groupId: string;
    introduction: string;
    notification: string;
    avatar: string;
    maxMemberNum: number;
    joinOption: number;
    inviteOption: number;
    memberList: readonly { userId: string; memberCustomField: readonly { key: string; value: string }[] }[];
    groupCustomField: readonly { key: string; value: string }[];
    isSupportTopic: boolean;
  }): Promise<{ group: Group; overLimit: string[] }> {
    const type = req.type === GroupType.UNSPECIFIED ? WORK : req.type;
    if (!(type in MAX_MEMBERS)) throw chatError(ILLEGAL_GRP_TYPE);
    if (req.groupId) checkCustomGroupId(req.groupId, type);
    if (utf8(req.introduction) > INTRODUCTION_BYTES) throw invalid(`introduction exceeds ${INTRODUCTION_BYTES} bytes`);
    const typeMax = MAX_MEMBERS[type]!;
    if (req.maxMemberNum > 0 && typeMax > 0 && req.maxMemberNum > typeMax) throw invalid(`maxMemberNum exceeds ${typeMax} for this type`);
    if (type === AVCHATROOM && req.inviteOption !== InviteOption.UNSPECIFIED) throw invalid("AVChatRoom has no invite option");
    if (req.joinOption > JoinOption.DISABLE_APPLY || req.inviteOption > InviteOption.FREE_ACCESS) throw invalid("unknown join or invite option");
    const custom = checkCustomFields(req.groupCustomField, GROUP_CUSTOM_VALUE_BYTES);
    const initial = type === AVCHATROOM ? [] : req.memberList.filter((m) => m.userId !== userId);
    const memberFields = new Map(initial.map((m) => [m.userId, checkCustomFields(m.memberCustomField, MEMBER_CUSTOM_VALUE_BYTES)]));
    if (initial.some((m) => m.userId.length === 0)) throw invalid("memberList[].userID is required");
    const memberIds = [...memberFields.keys()];
    await this.requireAccounts(memberIds);
    const joinOption =
      type === PUBLIC ? req.joinOption || JoinOption.NEED_PERMISSION
      : type === COMMUNITY ? req.joinOption || JoinOption.FREE_ACCESS
      : type === WORK ? JoinOption.DISABLE_APPLY
      : JoinOption.FREE_ACCESS;
    const inviteOption =
      type === AVCHATROOM ? InviteOption.UNSPECIFIED
      : req.inviteOption || (type === WORK || type === COMMUNITY ? InviteOption.FREE_ACCESS : InviteOption.DISABLE_INVITE);
    // A dismissed group's history stays under its ID: a new group must not inherit it.
    if (req.groupId && (await this.deps.hasHistory?.(req.groupId))) throw chatError(GROUP_ID_IN_USE, "the ID belonged to a dismissed group");
    const maxMembers = req.maxMemberNum || typeMax;
    if (maxMembers > 0 && 1 + memberIds.length > maxMembers) throw chatError(GROUP_FULL);
    const now = this.nowMs();
    const { groupId, group, self, added, overLimit } = await this.store.db.transact(async (trx) => {
      if (type !== AVCHATROOM && (await this.overLimit(trx, [userId], 1)).size > 0) throw invalid("the caller is in too many groups");
      const over = type === AVCHATROOM ? new Set<string>() : await this.overLimit(trx, memberIds, 1);
      let groupId = req.groupId;
      for (let attempt = 0; ; attempt++) {
        if (!req.groupId) groupId = newGroupId(type);
        const inserted = await this.store.insert(trx, {
          groupId,
          type,
          name: req.name,
          avatar: req.avatar,
          introduction: req.introduction,
          notification: req.notification,
          ownerId: userId,
          createTime: now,
          lastInfoTime: now,
          maxMembers,
          muteAll: false,
          joinOption,
          inviteOption,
          custom,
          supportTopic: type === COMMUNITY && req.isSupportTopic,
        });
        if (inserted) break;
        if (req.groupId || attempt >= 3) throw chatError(GROUP_ID_IN_USE);
      }
      const added = await this.addMembersIn(
        trx,
        groupId,
        [{ userId, role: OWNER }, ...memberIds.filter((id) => !over.has(id)).map((id) => ({ userId: id, role: MEMBER, custom: memberFields.get(id) }))],
        now,
      );
      const group = (await this.store.get(trx, groupId))!;
      const self = (await this.store.member(trx, groupId, userId))!;
      return { groupId, group, self, added, overLimit: memberIds.filter((id) => over.has(id)) };
    });
    void groupId;
    if (isTypeListed(group)) await this.announceLists(added);
    return { group: this.profileOf(group, self), overLimit };
  }

  async listOf(userId: string, filter: readonly GroupProfileField[]): Promise<Group[]> {
    const rows = await this.store.groupsOf(this.store.db.kysely, userId, this.limits.joinedGroupsPerUser + 16);
    return this.withHeads(
      rows
        .filter((r) => isTypeListed(r.group))
        .sort((a, b) => a.member.joinTime - b.member.joinTime || (a.group.groupId < b.group.groupId ? -1 : 1))
        .map((r) => this.listEntryOf(r.group, r.member, filter)),
    );
  }

  async profile(userId: string, groupId: string, groupFilter: readonly string[], memberFilter: readonly string[]): Promise<Group> {
    const ex = this.store.db.kysely;
    const group = await this.groupOrFail(ex, groupId);
    const self = await this.store.member(ex, groupId, userId);
    if (!self && group.type === WORK) throw chatError(NO_PERMISSION, "only members see a Work group's profile");
    const [profile] = await this.withHeads([this.profileOf(group, self, { group: groupFilter, member: memberFilter })]);
    return profile!;
  }

  async updateProfile(userId: string, req: {
    groupId: string;
    name?: string;
    avatar?: string;
    introduction?: string;
    notification?: string;
    muteAllMembers?: boolean;
    joinOption: number;
    inviteOption: number;
    groupCustomField: readonly { key: string; value: string }[];
  }): Promise<Group> {
    if (req.introduction !== undefined && utf8(req.introduction) > INTRODUCTION_BYTES) throw invalid(`introduction exceeds ${INTRODUCTION_BYTES} bytes`);
    if (req.joinOption > JoinOption.DISABLE_APPLY || req.inviteOption > InviteOption.FREE_ACCESS) throw invalid("unknown join or invite option");
    const customChanges = checkCustomFields(req.groupCustomField, GROUP_CUSTOM_VALUE_BYTES);
    const { group, self, recipients } = await this.store.db.transact(async (trx) => {
      const group = await this.groupOrFail(trx, req.groupId);
      const self = await this.memberOrFail(trx, req.groupId, userId);
      const manager = self.role === OWNER || self.role === ADMIN;
      const settings = req.muteAllMembers !== undefined || req.joinOption !== 0 || req.inviteOption !== 0;
      // Work: any member edits the basic profile, only the owner its settings; other types: owner and admins.
      if (group.type === WORK ? settings && self.role !== OWNER : !manager) throw chatError(NO_PERMISSION, "only the owner or an admin may change the profile");
      if (req.inviteOption !== 0 && group.type === AVCHATROOM) throw invalid("AVChatRoom has no invite option");
      if (req.joinOption !== 0 && (group.type === WORK || group.type === AVCHATROOM)) throw invalid("the join option of this type cannot change");
      const changed = await this.store.update(
        trx,
        req.groupId,
        {
          name: req.name,
          avatar: req.avatar,
          introduction: req.introduction,
          notification: req.notification,
          muteAll: req.muteAllMembers,
          joinOption: req.joinOption || undefined,
          inviteOption: req.inviteOption || undefined,
          custom: customChanges.length > 0 ? mergeFields(group.custom, customChanges) : undefined,
        },
        this.nowMs(),
      );
      const recipients = isTypeListed(group) ? await this.allMemberIds(trx, req.groupId) : [];
      return { group: changed, self, recipients };
    });
    await this.announceLists(recipients);
    const changes: NonNullable<GroupTip["newGroupProfile"]> = {};
    if (req.name !== undefined) changes.name = req.name;
    if (req.avatar !== undefined) changes.avatar = req.avatar;
    if (req.introduction !== undefined) changes.introduction = req.introduction;
    if (req.notification !== undefined) changes.notification = req.notification;
    if (req.muteAllMembers !== undefined) changes.muteAllMembers = req.muteAllMembers;
    if (req.joinOption !== 0) changes.joinOption = req.joinOption;
    if (req.inviteOption !== 0) changes.inviteOption = req.inviteOption;
    if (customChanges.length > 0) changes.groupCustomField = customChanges;
    await this.tip(group, userId, { operationType: GroupTipType.GRP_PROFILE_UPDATED, newGroupProfile: changes });
    return this.profileOf(group, self);
  }

  async dismiss(userId: string, groupId: string): Promise<void> {
    const { recipients, group: dismissed } = await this.store.db.transact(async (trx) => {
      const group = await this.groupOrFail(trx, groupId);
      const self = await this.memberOrFail(trx, groupId, userId);
      if (group.type === WORK) throw chatError(CANNOT_DISMISS_WORK);
      if (self.role !== OWNER) throw chatError(NO_PERMISSION, "only the owner may dismiss the group");
      const recipients = group.type === AVCHATROOM ? [] : await this.allMemberIds(trx, groupId);
      await this.store.remove(trx, groupId);
      return { recipients, group };
    });
    if (isTypeListed(dismissed)) await this.announceLists(recipients);
    await this.notify(recipients, NOTICE.DISMISSED, dismissed, userId);
  }

  async join(userId: string, groupId: string, applyMessage: string): Promise<{ status: JoinStatus; group?: Group }> {
    if (utf8(applyMessage) > NOTE_BYTES) throw invalid(`applyMessage exceeds ${NOTE_BYTES} bytes`);
    const now = this.nowMs();
    const result = await this.store.db.transact(async (trx) => {
      const group = await this.groupOrFail(trx, groupId);
      if (group.type === WORK) throw chatError(CANNOT_JOIN_WORK);
      const existing = await this.store.member(trx, groupId, userId);
      if (existing) {
        // Entering an AVChatRoom again is a join like the first; other types report the membership.
        const status = group.type === AVCHATROOM ? JoinStatus.SUCCESS : JoinStatus.ALREADY_IN_GROUP;
        return { status, group, self: existing, left: [] as string[] };
      }
      if (group.type === AVCHATROOM) {
        if ((await this.store.banUntil(trx, groupId, userId)) > now) throw chatError(NO_PERMISSION, "banned from this AVChatRoom");
        // One AVChatRoom at a time: joining one leaves the others (an owner keeps its own rooms).
        const left: string[] = [];
        for (const { group: other, member } of await this.store.groupsOf(trx, userId, this.limits.joinedGroupsPerUser + 16)) {
          if (other.type === AVCHATROOM && member.role !== OWNER) {
            await this.store.removeMembers(trx, other.groupId, [userId]);
            left.push(other.groupId);
          }
        }
        await this.addMembersIn(trx, groupId, [{ userId, role: MEMBER }], now);
        return { status: JoinStatus.SUCCESS, group: (await this.store.get(trx, groupId))!, self: (await this.store.member(trx, groupId, userId))!, left };
      }
      if (group.joinOption === JoinOption.DISABLE_APPLY) throw chatError(NO_PERMISSION, "the group does not accept applications");
      if ((await this.overLimit(trx, [userId], 1)).size > 0) throw invalid("the caller is in too many groups");
      if (group.joinOption === JoinOption.NEED_PERMISSION) {
        if (!(await this.store.application(trx, groupId, userId, "")) && (await this.store.applicationCount(trx, groupId)) >= this.limits.pendingApplicationsPerGroup) {
          throw invalid("too many pending applications");
        }
        await this.store.putApplication(trx, { groupId, applicant: userId, invitee: "", note: applyMessage, time: now });
        return { status: JoinStatus.WAIT_APPROVAL, group, self: undefined, left: [] as string[] };
      }
      if (group.maxMembers > 0 && group.memberCount >= group.maxMembers) throw chatError(GROUP_FULL);
      await this.addMembersIn(trx, groupId, [{ userId, role: MEMBER }], now);
      return { status: JoinStatus.SUCCESS, group: (await this.store.get(trx, groupId))!, self: (await this.store.member(trx, groupId, userId))!, left: [] as string[] };
    });
    if (result.status === JoinStatus.SUCCESS && isTypeListed(result.group)) await this.announceLists([userId]);
    if (result.status === JoinStatus.SUCCESS) await this.tip(result.group, userId, { operationType: GroupTipType.MBR_JOIN, userIdList: [userId] });
    if (result.status === JoinStatus.WAIT_APPROVAL) await this.notify(await this.managers(groupId), NOTICE.JOIN_REQUEST, result.group, userId, applyMessage);
    return { status: result.status, group: result.status === JoinStatus.SUCCESS ? this.profileOf(result.group, result.self) : undefined };
  }

  async quit(userId: string, groupId: string): Promise<void> {
    const group = await this.store.db.transact(async (trx) => {
      const group = await this.groupOrFail(trx, groupId);
      const self = await this.memberOrFail(trx, groupId, userId, MEMBER_NOT_IN_GRP);
      if (self.role === OWNER) {
        if (group.type !== WORK) throw chatError(OWNER_CANNOT_QUIT);
        await this.store.update(trx, groupId, { ownerId: "" }, this.nowMs());
      }
      await this.store.removeMembers(trx, groupId, [userId]);
      return group;
    });
    if (isTypeListed(group)) await this.announceLists([userId]);
    await this.tip(group, userId, { operationType: GroupTipType.MBR_QUIT, userIdList: [userId] }, [userId]);
    await this.notify([userId], NOTICE.QUIT, group, userId);
  }

  async search(groupId: string): Promise<Group> {
    const group = await this.store.get(this.store.db.kysely, groupId);
    // Work groups cannot be found: they answer as if they did not exist.
    if (!group || group.type === WORK) throw chatError(GROUP_NOT_FOUND);
    return this.profileOf(group);
  }

  /** Cloud group search results: these groups' profiles (as searchGroupByID gives them), in the order asked. */
  async searchResults(groupIds: readonly string[]): Promise<Group[]> {
    const ex = this.store.db.kysely;
    const out: Group[] = [];
    for (const id of groupIds) {
      const group = await this.store.get(ex, id);
      if (group) out.push(this.profileOf(group));
    }
    return out;
  }

  /** Cloud group member search results: each group's short profile and these members' views, groups in the order met. */
  async memberSearchResults(
    found: readonly { groupId: string; userId: string }[],
  ): Promise<{ group: Pick<GroupRecord, "groupId" | "name" | "type" | "avatar">; members: GroupMember[] }[]> {
    const ex = this.store.db.kysely;
    const byGroup = new Map<string, string[]>();
    for (const f of found) byGroup.set(f.groupId, [...(byGroup.get(f.groupId) ?? []), f.userId]);
    const out: { group: GroupRecord; members: GroupMember[] }[] = [];
    for (const [groupId, userIds] of byGroup) {
      const group = await this.store.get(ex, groupId);
      if (!group) continue;
      const records = new Map((await this.store.members(ex, groupId, userIds)).map((m) => [m.userId, m]));
      const members = userIds.flatMap((u) => records.get(u) ?? []);
      out.push({ group, members: await this.memberViews(members) });
    }
    return out;
  }

  async onlineMemberCount(userId: string, groupId: string): Promise<number> {
    const ex = this.store.db.kysely;
    await this.groupOrFail(ex, groupId);
    if (!(await this.store.member(ex, groupId, userId))) return 0;
    let count = 0;
    for (const id of await this.allMemberIds(ex, groupId)) if (this.deps.isOnline(id)) count++;
    return count;
  }

  async changeOwner(userId: string, groupId: string, newOwnerId: string): Promise<Group> {
    const { group, self, recipients } = await this.store.db.transact(async (trx) => {
      const group = await this.groupOrFail(trx, groupId);
      if (group.type === AVCHATROOM) throw chatError(CANNOT_CHANGE_OWNER_IN_AV);
      const self = await this.memberOrFail(trx, groupId, userId);
      if (self.role !== OWNER) throw chatError(NOT_OWNER);
      if (newOwnerId === userId) throw chatError(CANNOT_CHANGE_OWNER_TO_SELF);
      await this.memberOrFail(trx, groupId, newOwnerId, MEMBER_NOT_IN_GRP);
      await this.store.updateMember(trx, groupId, userId, { role: MEMBER });
      await this.store.updateMember(trx, groupId, newOwnerId, { role: OWNER });
      const changed = await this.store.update(trx, groupId, { ownerId: newOwnerId }, this.nowMs());
      const recipients = isTypeListed(group) ? await this.allMemberIds(trx, groupId) : [];
      return { group: changed, self: (await this.store.member(trx, groupId, userId))!, recipients };
    });
    await this.announceLists(recipients);
    await this.tip(group, userId, { operationType: GroupTipType.GRP_PROFILE_UPDATED, newGroupProfile: { ownerId: newOwnerId } });
    return this.profileOf(group, self);
  }

  // ---- applications

  async applications(userId: string): Promise<GroupApplication[]> {
    const ex = this.store.db.kysely;
    const apps = await this.store.applicationsFor(ex, userId, APPLICATION_LIST_MAX);
    const names = new Map<string, string>();
    for (const groupId of new Set(apps.map((a) => a.groupId))) names.set(groupId, (await this.store.get(ex, groupId))?.name ?? "");
    const profiles = await this.deps.profiles.getProfiles([...new Set(apps.map((a) => a.applicant))]);
    return apps.map((a) => this.applicationOf(a, names.get(a.groupId) ?? "", profiles.get(a.applicant)?.nick ?? ""));
  }

  private applicationOf(a: ApplicationRecord, groupName: string, nick: string): GroupApplication {
    return create(GroupApplicationSchema, {
      applicant: a.applicant,
      applicantNick: nick,
      groupId: a.groupId,
      groupName,
      applicationType: a.invitee ? 2 : 0,
      userId: a.invitee,
      note: a.invitee ? "" : a.note,
      authentication: "",
      messageKey: BigInt(a.time),
    });
  }

  async handleApplication(userId: string, req: { handleAction: string; handleMessage: string; application?: GroupApplication; hasMessage: boolean }): Promise<Group> {
    if (req.handleAction !== "Agree" && req.handleAction !== "Reject") throw invalid('handleAction is "Agree" or "Reject"');
    const app = req.application;
    if (!app) {
      if (req.hasMessage) throw invalid("only a join request's group system notice (operation type 1) names an application; pass an item of getGroupApplicationList for invitations");
      throw invalid("application is required");
    }
    if (app.applicationType !== 0 && app.applicationType !== 2) throw invalid("applicationType is 0 or 2");
    const invitee = app.applicationType === 2 ? app.userId : "";
    if (app.applicationType === 2 && !invitee) throw invalid("an invitation names its invited userID");
    const joiner = invitee || app.applicant;
    const now = this.nowMs();
    const { group, self, joined } = await this.store.db.transact(async (trx) => {
      const group = await this.groupOrFail(trx, app.groupId);
      const self = await this.memberOrFail(trx, app.groupId, userId);
      if (self.role !== OWNER && self.role !== ADMIN) throw chatError(NO_PERMISSION, "only the owner or an admin handles applications");
      if (!(await this.store.removeApplication(trx, app.groupId, app.applicant, invitee))) throw invalid("no such pending application: it was handled already or never made");
      let joined = false;
      if (req.handleAction === "Agree" && !(await this.store.member(trx, app.groupId, joiner))) {
        if (group.maxMembers > 0 && group.memberCount >= group.maxMembers) throw chatError(GROUP_FULL);
        if ((await this.overLimit(trx, [joiner], 1)).size > 0) throw invalid("the applicant is in too many groups");
        await this.addMembersIn(trx, app.groupId, [{ userId: joiner, role: MEMBER }], now);
        joined = true;
      }
      return { group: (await this.store.get(trx, app.groupId))!, self, joined };
    });
    if (joined && isTypeListed(group)) await this.announceLists([joiner]);
    if (joined) await this.tip(group, userId, { operationType: GroupTipType.MBR_JOIN, userIdList: [joiner] });
    const agreed = req.handleAction === "Agree";
    if (invitee) {
      await this.notify([app.applicant], agreed ? NOTICE.INVITATION_ACCEPTED : NOTICE.INVITATION_REJECTED, group, userId, req.handleMessage);
      if (joined) await this.notify([invitee], NOTICE.INVITED, group, app.applicant);
    } else {
      await this.notify([app.applicant], agreed ? NOTICE.ACCEPTED : NOTICE.REJECTED, group, userId, req.handleMessage);
    }
    return this.profileOf(group, self);
  }

  // ---- communities and topics

  /** The topic-enabled communities the caller has joined (GetGroupList leaves them out). */
  async joinedCommunities(userId: string): Promise<Group[]> {
    const rows = await this.store.groupsOf(this.store.db.kysely, userId, this.limits.joinedGroupsPerUser + 16);
    return this.withHeads(rows.filter((r) => r.group.type === COMMUNITY && r.group.supportTopic).map((r) => this.profileOf(r.group, r.member)));
  }

  /** A topic-enabled community the caller belongs to, with its membership; `manage` asks for the owner or an admin. */
  private async community(ex: Executor, userId: string, groupId: string, manage: boolean): Promise<{ group: GroupRecord; self: MemberRecord }> {
    const group = await this.groupOrFail(ex, groupId);
    if (group.type !== COMMUNITY || !group.supportTopic) throw invalid("not a topic-enabled community");
    const self = await this.memberOrFail(ex, groupId, userId);
    if (manage && self.role !== OWNER && self.role !== ADMIN) throw chatError(NO_PERMISSION, "only the owner or an admin manages topics");
    return { group, self };
  }

  private topicOf(t: TopicRecord): Topic {
    return create(TopicSchema, {
      topicId: t.topicId,
      topicName: t.name,
      avatar: t.avatar,
      introduction: t.introduction,
      notification: t.notification,
      unreadCount: 0,
      muteAllMembers: t.muteAll,
      customData: t.customData,
      lastMessage: create(GroupLastMessageSchema, {}),
      selfInfo: create(TopicSelfInfoSchema, { messageRemindType: MessageRemindType.ACPT_AND_NOTE }),
      nextMessageSeq: 1n,
    });
  }

  private checkTopicFields(t: { topicName?: string; avatar?: string; introduction?: string; notification?: string; customData?: string }): void {
    if (t.topicName !== undefined && (t.topicName.length === 0 || utf8(t.topicName) > TOPIC_NAME_BYTES)) throw invalid(`topicName is 1 to ${TOPIC_NAME_BYTES} bytes`);
    if (t.avatar !== undefined && utf8(t.avatar) > 100) throw invalid("avatar exceeds 100 bytes");
    if (t.introduction !== undefined && utf8(t.introduction) > INTRODUCTION_BYTES) throw invalid(`introduction exceeds ${INTRODUCTION_BYTES} bytes`);
    if (t.notification !== undefined && utf8(t.notification) > NOTE_BYTES) throw invalid(`notification exceeds ${NOTE_BYTES} bytes`);
    if (t.customData !== undefined && utf8(t.customData) > TOPIC_CUSTOM_DATA_BYTES) throw invalid(`customData exceeds ${TOPIC_CUSTOM_DATA_BYTES} bytes`);
  }

  async createTopic(userId: string, req: { groupId: string; topicName: string; topicId: string; avatar: string; notification: string; introduction: string; customData: string }): Promise<string> {
    this.checkTopicFields(req);
    const prefix = `${req.groupId}@TOPIC#_`;
    if (req.topicId && (!req.topicId.startsWith(prefix) || req.topicId.length === prefix.length || utf8(req.topicId) > TOPIC_ID_BYTES)) {
      throw chatError(ILLEGAL_TOPIC_ID, `a custom topic ID is "${prefix}<ID>", at most ${TOPIC_ID_BYTES} bytes`);
    }
    const now = this.nowMs();
    const { topicId, recipients } = await this.store.db.transact(async (trx) => {
      await this.community(trx, userId, req.groupId, true);
      if ((await this.store.topics(trx, req.groupId, undefined, TOPICS_PER_COMMUNITY + 1)).length >= TOPICS_PER_COMMUNITY) {
        throw invalid(`at most ${TOPICS_PER_COMMUNITY} topics a community`);
      }
      for (let attempt = 0; ; attempt++) {
        const topicId = req.topicId || `${prefix}${newGroupId(WORK).slice(6)}`;
        const inserted = await this.store.insertTopic(trx, {
          groupId: req.groupId,
          topicId,
          name: req.topicName,
          avatar: req.avatar,
          introduction: req.introduction,
          notification: req.notification,
          customData: req.customData,
          muteAll: false,
          createTime: now,
        });
        if (inserted) return { topicId, recipients: await this.allMemberIds(trx, req.groupId) };
        if (req.topicId || attempt >= 3) throw chatError(ILLEGAL_TOPIC_ID, "the topic ID is in use");
      }
    });
    this.deps.bus.publish(recipients, { case: "topicCreated", value: { $typeName: "chatwire.v1.TopicCreated", groupId: req.groupId, topicId } });
    return topicId;
  }

  async deleteTopics(userId: string, groupId: string, topicIds: readonly string[]): Promise<{ success: string[]; failure: string[] }> {
    if (topicIds.length > TOPICS_PER_COMMUNITY) throw invalid(`at most ${TOPICS_PER_COMMUNITY} topics a call`);
    const { deleted, wanted, recipients } = await this.store.db.transact(async (trx) => {
      await this.community(trx, userId, groupId, true);
      const wanted = topicIds.length > 0 ? [...new Set(topicIds)] : (await this.store.topics(trx, groupId, undefined, TOPICS_PER_COMMUNITY)).map((t) => t.topicId);
      const deleted = await this.store.deleteTopics(trx, groupId, wanted);
      return { deleted, wanted, recipients: deleted.length > 0 ? await this.allMemberIds(trx, groupId) : [] };
    });
    if (deleted.length > 0) {
      this.deps.bus.publish(recipients, { case: "topicDeleted", value: { $typeName: "chatwire.v1.TopicDeleted", groupId, topicIdList: deleted } });
    }
    return { success: deleted, failure: wanted.filter((id) => !deleted.includes(id)) };
  }

  async updateTopic(userId: string, req: { groupId: string; topicId: string; topicName?: string; avatar?: string; notification?: string; introduction?: string; customData?: string; muteAllMembers?: boolean }): Promise<Topic> {
    this.checkTopicFields(req);
    const { topic, recipients } = await this.store.db.transact(async (trx) => {
      await this.community(trx, userId, req.groupId, true);
      const topic = await this.store.updateTopic(trx, req.groupId, req.topicId, {
        name: req.topicName,
        avatar: req.avatar,
        notification: req.notification,
        introduction: req.introduction,
        customData: req.customData,
        muteAll: req.muteAllMembers,
      });
      if (!topic) throw chatError(GROUP_NOT_FOUND, "no such topic");
      return { topic, recipients: (await this.allMemberIds(trx, req.groupId)).filter((id) => id !== userId) };
    });
    const view = this.topicOf(topic);
    if (recipients.length > 0) this.deps.bus.publish(recipients, { case: "topicUpdated", value: { $typeName: "chatwire.v1.TopicUpdated", groupId: req.groupId, topic: view } });
    return view;
  }

  async topicList(userId: string, groupId: string, topicIds: readonly string[]): Promise<{ success: Topic[]; failure: string[] }> {
    if (topicIds.length > TOPICS_PER_COMMUNITY) throw invalid(`at most ${TOPICS_PER_COMMUNITY} topics a call`);
    const ex = this.store.db.kysely;
    await this.community(ex, userId, groupId, false);
    const wanted = [...new Set(topicIds)];
    const topics = await this.store.topics(ex, groupId, wanted.length > 0 ? wanted : undefined, TOPICS_PER_COMMUNITY);
    const found = new Set(topics.map((t) => t.topicId));
    return { success: topics.map((t) => this.topicOf(t)), failure: wanted.filter((id) => !found.has(id)) };
  }

  // ---- pinned messages

  /** Pins or unpins a group message (any member; at most 10 pinned a group); every member is told. */
  async pin(userId: string, groupId: string, input: Message, isPinned: boolean): Promise<void> {
    if (groupId.includes("@TOPIC#")) throw chatError(990001, "topic messages come with communities");
    const seq = Number(input.sequence);
    if (!Number.isSafeInteger(seq) || seq <= 0) throw invalid("the message's sequence names it");
    const ex = this.store.db.kysely;
    const group = await this.groupOrFail(ex, groupId);
    await this.memberOrFail(ex, groupId, userId);
    const message = await this.deps.messageAt?.(groupId, seq);
    if (!message) throw invalid("no such message in the group");
    const now = this.nowMs();
    const changed = await this.store.db.transact(async (trx) => {
      if (isPinned && (await this.store.pins(trx, groupId, PINS_PER_GROUP + 1)).filter((p) => p.seq !== seq).length >= PINS_PER_GROUP) {
        throw invalid(`at most ${PINS_PER_GROUP} pinned messages a group`);
      }
      return this.store.setPin(trx, groupId, seq, isPinned ? userId : undefined, now);
    });
    if (!changed) return;
    const profile = (await this.deps.profiles.getProfiles([userId])).get(userId);
    const who = { userId, nick: profile?.nick ?? "", avatar: profile?.avatar ?? "" };
    const shown: Message = isPinned
      ? { ...message, pinnerInfo: create(UserInfoSchema, who) }
      : create(MessageSchema, { messageId: message.messageId, sequence: message.sequence, random: message.random, time: message.time, clientTime: message.clientTime });
    this.deps.bus.publish(await this.allMemberIds(ex, groupId), {
      case: "pinnedGroupMessageUpdated",
      value: { $typeName: "chatwire.v1.PinnedGroupMessageUpdated", groupId: group.groupId, message: shown, isPinned, operatorInfo: create(GroupOperatorInfoSchema, who) },
    });
  }

  /** The group's pinned messages, oldest sequence first, each with its pinner. */
  async pinned(userId: string, groupId: string): Promise<Message[]> {
    if (groupId.includes("@TOPIC#")) throw chatError(990001, "topic messages come with communities");
    const ex = this.store.db.kysely;
    await this.groupOrFail(ex, groupId);
    await this.memberOrFail(ex, groupId, userId);
    const pins = await this.store.pins(ex, groupId, PINS_PER_GROUP);
    const profiles = await this.deps.profiles.getProfiles([...new Set(pins.map((p) => p.pinnerId))]);
    const out: Message[] = [];
    for (const pin of pins) {
      const message = await this.deps.messageAt?.(groupId, pin.seq);
      const p = profiles.get(pin.pinnerId);
      if (message) out.push({ ...message, pinnerInfo: create(UserInfoSchema, { userId: pin.pinnerId, nick: p?.nick ?? "", avatar: p?.avatar ?? "" }) });
    }
    return out;
  }

  // ---- GroupMemberService

  async memberList(userId: string, req: { groupId: string; count: number; offset: string; role: number; filter: bigint }): Promise<{ members: GroupMember[]; offset: string }> {
    const ex = this.store.db.kysely;
    const group = await this.groupOrFail(ex, req.groupId);
    await this.memberOrFail(ex, req.groupId, userId);
    if (!/^\d{0,15}$/.test(req.offset)) throw invalid("offset is a number returned by the previous page");
    const after = Number(req.offset || "0");
    const av = group.type === AVCHATROOM;
    const limit = av ? AV_MEMBER_PAGE : Math.min(req.count || MEMBER_PAGE_DEFAULT, MEMBER_PAGE_MAX);
    if (req.filter !== 0n && !av) throw invalid("member marks exist in AVChatRoom groups only");
    // An AVChatRoom lists its most recent joiners first (L4577).
    const page = await this.store.page(ex, req.groupId, after, limit + 1, {
      role: req.role || undefined,
      mark: req.filter !== 0n ? Number(req.filter) : undefined,
      newest: av,
    });
    const more = page.length > limit;
    const shown = page.slice(0, limit);
    return { members: await this.memberViews(shown, { avOnly: av }), offset: more ? String(shown[shown.length - 1]!.ord) : "0" };
  }

  async memberProfiles(userId: string, groupId: string, userIds: readonly string[], filter: readonly string[]): Promise<GroupMember[]> {
    const ex = this.store.db.kysely;
    const group = await this.groupOrFail(ex, groupId);
    if (group.type === AVCHATROOM) throw chatError(NOT_SUPPORTED_IN_AV);
    await this.memberOrFail(ex, groupId, userId);
    const found = new Map((await this.store.members(ex, groupId, userIds)).map((m) => [m.userId, m]));
    const ordered = [...new Set(userIds)].flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
    return this.memberViews(ordered, { filter });
  }

  async addMembers(userId: string, groupId: string, userIds: readonly string[]): Promise<{ success: string[]; failure: string[]; existed: string[]; overLimit: string[]; group: Group }> {
    const wanted = [...new Set(userIds)];
    if (wanted.some((id) => id.length === 0 || utf8(id) > 32)) throw invalid("a user ID is empty or exceeds 32 bytes");
    const now = this.nowMs();
    // Outside the transaction (accounts are never deleted): a user never seen answers 10019 and nothing changes.
    // The caller's standing is checked first so that a stranger learns nothing about which accounts exist.
    const before = await this.groupOrFail(this.store.db.kysely, groupId);
    if (before.type === AVCHATROOM) throw chatError(CANNOT_ADD_MEMBER_IN_AV);
    await this.memberOrFail(this.store.db.kysely, groupId, userId);
    await this.requireAccounts(wanted);
    const result = await this.store.db.transact(async (trx) => {
      const group = await this.groupOrFail(trx, groupId);
      if (group.type === AVCHATROOM) throw chatError(CANNOT_ADD_MEMBER_IN_AV);
      const self = await this.memberOrFail(trx, groupId, userId);
      const manager = self.role === OWNER || self.role === ADMIN;
      const option = group.inviteOption;
      if (option === InviteOption.DISABLE_INVITE && (group.type === WORK || !manager)) throw chatError(NO_PERMISSION, "the group does not allow invitations");
      const existed = new Set((await this.store.members(trx, groupId, wanted)).map((m) => m.userId));
      const candidates = wanted.filter((id) => !existed.has(id));
      const over = await this.overLimit(trx, candidates, 1);
      const eligible = candidates.filter((id) => !over.has(id));
      // Ordinary members of a group whose invitations need approval invite: the invitees wait for an admin.
      if (!manager && group.type !== WORK && option === InviteOption.NEED_PERMISSION) {
        for (const invitee of eligible) await this.store.putApplication(trx, { groupId, applicant: userId, invitee, note: "", time: now });
        return { group, self, success: [] as string[], failure: eligible, existed: [...existed], overLimit: [...over] };
      }
      if (group.maxMembers > 0 && group.memberCount + eligible.length > group.maxMembers) throw chatError(GROUP_FULL);
      const added = await this.addMembersIn(trx, groupId, eligible.map((id) => ({ userId: id, role: MEMBER })), now);
      return { group: (await this.store.get(trx, groupId))!, self, success: added, failure: [] as string[], existed: [...existed], overLimit: [...over] };
    });
    if (isTypeListed(result.group)) await this.announceLists(result.success);
    if (result.success.length > 0) await this.tip(result.group, userId, { operationType: GroupTipType.MBR_JOIN, userIdList: result.success });
    await this.notify(result.success, NOTICE.INVITED, result.group, userId);
    if (result.failure.length > 0) await this.notify(await this.managers(groupId), NOTICE.INVITATION_TO_APPROVE, result.group, userId);
    return {
      success: result.success,
      failure: result.failure,
      existed: wanted.filter((id) => result.existed.includes(id)),
      overLimit: wanted.filter((id) => result.overLimit.includes(id)),
      group: this.profileOf(result.group, result.self),
    };
  }

  async deleteMembers(userId: string, req: { groupId: string; userIdList: readonly string[]; reason: string; duration: number }): Promise<{ group: Group; removed: string[] }> {
    const wanted = [...new Set(req.userIdList)];
    if (wanted.length > DELETE_MAX) throw invalid(`at most ${DELETE_MAX} users a call`);
    if (utf8(req.reason) > NOTE_BYTES) throw invalid(`reason exceeds ${NOTE_BYTES} bytes`);
    const now = this.nowMs();
    const result = await this.store.db.transact(async (trx) => {
      const group = await this.groupOrFail(trx, req.groupId);
      const self = await this.memberOrFail(trx, req.groupId, userId, CANNOT_FIND_GRP);
      if (group.type === AVCHATROOM && req.duration === 0) throw chatError(BAN_DURATION_INVALID);
      if (self.role !== OWNER && self.role !== ADMIN) throw chatError(NO_PERMISSION, "only the owner or an admin removes members");
      if (wanted.includes(userId)) throw chatError(NO_PERMISSION, "use quitGroup to leave");
      const targets = await this.store.members(trx, req.groupId, wanted);
      // The owner removes admins and members; an admin only ordinary members.
      if (targets.some((t) => t.role === OWNER || (self.role === ADMIN && t.role !== MEMBER && t.role !== CUSTOM))) {
        throw chatError(NO_PERMISSION, "an admin removes only ordinary members, and nobody the owner");
      }
      const removed = await this.store.removeMembers(trx, req.groupId, targets.map((t) => t.userId));
      if (group.type === AVCHATROOM) await this.store.ban(trx, req.groupId, removed, now + req.duration * 1000);
      return { group: (await this.store.get(trx, req.groupId))!, self, removed };
    });
    if (isTypeListed(result.group)) await this.announceLists(result.removed);
    if (result.removed.length > 0) {
      await this.tip(result.group, userId, { operationType: GroupTipType.MBR_KICKED_OUT, userIdList: result.removed }, result.removed);
      await this.notify(result.removed, NOTICE.KICKED, result.group, userId, req.reason);
    }
    return { group: this.profileOf(result.group, result.self), removed: wanted.filter((id) => result.removed.includes(id)) };
  }

  /**
   * Marks AVChatRoom members (the owner any member, others only themselves); at most 10 distinct marks a group.
   * Users who are not members are reported in the failure list.
   */
  async markMembers(userId: string, req: { groupId: string; userIdList: readonly string[]; markType: bigint; enableMark: boolean }): Promise<{ success: string[]; failure: string[] }> {
    const wanted = [...new Set(req.userIdList)];
    if (req.markType > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid("markType is too large");
    const mark = Number(req.markType);
    return this.store.db.transact(async (trx) => {
      const group = await this.groupOrFail(trx, req.groupId);
      if (group.type !== AVCHATROOM) throw invalid("member marks exist in AVChatRoom groups only");
      const self = await this.memberOrFail(trx, req.groupId, userId);
      if (self.role !== OWNER && wanted.some((id) => id !== userId)) throw chatError(NO_PERMISSION, "only the owner marks other members");
      const members = new Set((await this.store.members(trx, req.groupId, wanted)).map((m) => m.userId));
      const success = wanted.filter((id) => members.has(id));
      if ((await this.store.mark(trx, req.groupId, mark, success, req.enableMark)) > MARKS_PER_GROUP) throw invalid(`at most ${MARKS_PER_GROUP} marks in a group`);
      return { success, failure: wanted.filter((id) => !members.has(id)) };
    });
  }

  /** Runs `change` on member `targetId` after the checks every member call shares; returns group and member. */
  private async changeMember(
    userId: string,
    groupId: string,
    targetId: string,
    check: (group: GroupRecord, self: MemberRecord, target: MemberRecord) => void,
    change: (trx: Tx, group: GroupRecord, target: MemberRecord) => Promise<void>,
    order: { beforeTarget?: (group: GroupRecord, self: MemberRecord) => void } = {},
  ): Promise<{ group: Group; member: GroupMember }> {
    const result = await this.store.db.transact(async (trx) => {
      const group = await this.groupOrFail(trx, groupId);
      const self = await this.memberOrFail(trx, groupId, userId);
      order.beforeTarget?.(group, self);
      const target = await this.memberOrFail(trx, groupId, targetId, MEMBER_NOT_IN_GRP);
      check(group, self, target);
      await change(trx, group, target);
      return { group: (await this.store.get(trx, groupId))!, self: (await this.store.member(trx, groupId, userId))!, target: (await this.store.member(trx, groupId, targetId))! };
    });
    const [member] = await this.memberViews([result.target]);
    return { group: this.profileOf(result.group, result.self), member: member! };
  }

  async setMuteTime(userId: string, groupId: string, targetId: string, muteTime: number): Promise<{ group: Group; member: GroupMember }> {
    const now = this.nowMs();
    const result = await this.changeMember(
      userId,
      groupId,
      targetId,
      (_group, self, target) => {
        if (self.role !== OWNER && !(self.role === ADMIN && target.role !== OWNER && target.role !== ADMIN)) {
          throw chatError(NO_PERMISSION, "the owner mutes admins and members, an admin ordinary members");
        }
      },
      async (trx, _group, target) => {
        await this.store.updateMember(trx, groupId, target.userId, { muteUntil: Math.floor((now + 1000 * muteTime) / 1000) });
      },
      {
        beforeTarget: (group) => {
          if (group.type === WORK) throw chatError(NO_PERMISSION, "Work groups have no member mute: use muteAllMembers");
          if (targetId === userId) throw chatError(CANNOT_MUTE_SELF);
        },
      },
    );
    await this.tipAbout(groupId, userId, {
      operationType: GroupTipType.MBR_PROFILE_UPDATED,
      userIdList: [targetId],
      memberList: [{ userId: targetId, muteTime: BigInt(muteTime) }],
    });
    return result;
  }

  private async tipAbout(groupId: string, operatorId: string, tip: Partial<GroupTip> & { operationType: GroupTipType }): Promise<void> {
    const group = await this.store.get(this.store.db.kysely, groupId);
    if (group) await this.tip(group, operatorId, tip);
  }

  async setRole(userId: string, groupId: string, targetId: string, role: number): Promise<{ group: Group; member: GroupMember }> {
    let before = 0;
    const result = await this.changeMember(
      userId,
      groupId,
      targetId,
      (_group, _self, target) => {
        if (target.role === OWNER) throw chatError(NOT_OWNER, "the owner's role changes with changeGroupOwner");
        before = target.role;
      },
      async (trx, _group, target) => {
        await this.store.updateMember(trx, groupId, target.userId, { role });
      },
      {
        beforeTarget: (group, self) => {
          if (group.type === WORK || group.type === AVCHATROOM) throw chatError(CANNOT_SET_ROLE);
          if (self.role !== OWNER) throw chatError(NOT_OWNER);
          if (!(role === ADMIN || role === MEMBER || (role === CUSTOM && group.type === COMMUNITY))) throw chatError(INVALID_MEMBER_ROLE);
          if (targetId === userId) throw chatError(CANNOT_SET_SELF_ROLE);
        },
      },
    );
    const group = await this.store.get(this.store.db.kysely, groupId);
    if (group && role === ADMIN && before !== ADMIN) {
      await this.tip(group, userId, { operationType: GroupTipType.MBR_SET_ADMIN, userIdList: [targetId] });
      await this.notify([targetId], NOTICE.MADE_ADMIN, group, userId);
    }
    if (group && role !== ADMIN && before === ADMIN) {
      await this.tip(group, userId, { operationType: GroupTipType.MBR_CANCELED_ADMIN, userIdList: [targetId] });
      await this.notify([targetId], NOTICE.ADMIN_REVOKED, group, userId);
    }
    return result;
  }

  /** The owner changes anyone's, an admin its own and ordinary members', a member only its own. */
  private checkEditOf(self: MemberRecord, target: MemberRecord): void {
    if (self.userId === target.userId || self.role === OWNER) return;
    if (self.role === ADMIN && (target.role === MEMBER || target.role === CUSTOM)) return;
    throw chatError(NO_PERMISSION, "the owner edits anyone, an admin itself and ordinary members, a member only itself");
  }

  async setNameCard(userId: string, groupId: string, targetId: string, nameCard: string): Promise<{ group: Group; member: GroupMember }> {
    if (utf8(nameCard) > NAME_CARD_BYTES) throw invalid(`nameCard exceeds ${NAME_CARD_BYTES} bytes`);
    return this.editMember(userId, groupId, targetId, () => ({ nameCard }));
  }

  async setMemberCustomField(userId: string, groupId: string, targetId: string, fields: readonly { key: string; value: string }[]): Promise<{ group: Group; member: GroupMember }> {
    const changes = checkCustomFields(fields, MEMBER_CUSTOM_VALUE_BYTES);
    return this.editMember(userId, groupId, targetId, (target) => ({ custom: mergeFields(target.custom, changes) }));
  }

  /** A member's own data (name card, custom fields): not in an AVChatRoom (2687); who may edit whom, checkEditOf. */
  private editMember(userId: string, groupId: string, targetId: string, patch: (target: MemberRecord) => MemberPatch) {
    return this.changeMember(
      userId,
      groupId,
      targetId || userId,
      (_group, self, target) => this.checkEditOf(self, target),
      async (trx, _group, target) => {
        await this.store.updateMember(trx, groupId, target.userId, patch(target));
      },
      {
        beforeTarget: (group) => {
          if (group.type === AVCHATROOM) throw chatError(NOT_SUPPORTED_IN_AV);
        },
      },
    );
  }

  // ---- GroupAttributeService

  /** The group, once the caller may use its attributes and counters: a member (an AVChatRoom: joined, 2642). */
  private async sharedStateGroup(ex: Executor, userId: string, groupId: string): Promise<GroupRecord> {
    const group = await this.groupOrFail(ex, groupId);
    const self = await this.store.member(ex, groupId, userId);
    if (!self) throw chatError(group.type === AVCHATROOM ? ATTRIBUTES_NOT_JOINED : NO_PERMISSION, "only members use the group's attributes and counters");
    return group;
  }

  private async writeAttributes(
    userId: string,
    groupId: string,
    next: (current: Record<string, string>) => { attrs: Record<string, string>; updated: string[]; deleted: string[] },
  ): Promise<{ attrs: Record<string, string>; updated: string[]; deleted: string[] }> {
    const { result, recipients } = await this.store.db.transact(async (trx) => {
      const group = await this.sharedStateGroup(trx, userId, groupId);
      const result = next(group.attrs);
      const keys = Object.keys(result.attrs);
      if (keys.length > ATTR_KEYS) throw invalid(`a group holds at most ${ATTR_KEYS} attributes`);
      if (keys.reduce((n, k) => n + utf8(k) + utf8(result.attrs[k]!), 0) > ATTR_TOTAL_BYTES) throw invalid(`a group's attributes hold at most ${ATTR_TOTAL_BYTES} bytes`);
      if (!(await this.store.writeAttrs(trx, groupId, result.attrs, group.attrVersion))) throw chatError(ATTRIBUTES_CONFLICT);
      return { result, recipients: await this.allMemberIds(trx, groupId) };
    });
    this.deps.bus.publish(recipients, {
      case: "groupAttributesUpdated",
      value: { $typeName: "chatwire.v1.GroupAttributesUpdated", groupId, groupAttributes: { ...result.attrs }, updatedKeyList: result.updated, deletedKeyList: result.deleted },
    });
    return result;
  }

  async initAttributes(userId: string, groupId: string, attrs: Record<string, string>): Promise<Record<string, string>> {
    const r = await this.writeAttributes(userId, groupId, (current) => ({
      attrs: { ...attrs },
      updated: Object.keys(attrs),
      deleted: Object.keys(current).filter((k) => !(k in attrs)),
    }));
    return r.attrs;
  }

  async setAttributes(userId: string, groupId: string, attrs: Record<string, string>): Promise<Record<string, string>> {
    await this.writeAttributes(userId, groupId, (current) => ({ attrs: { ...current, ...attrs }, updated: Object.keys(attrs), deleted: [] }));
    return { ...attrs };
  }

  async deleteAttributes(userId: string, groupId: string, keys: readonly string[]): Promise<string[]> {
    const r = await this.writeAttributes(userId, groupId, (current) => {
      const deleted = keys.length === 0 ? Object.keys(current) : [...new Set(keys)].filter((k) => k in current);
      const attrs = { ...current };
      for (const k of deleted) delete attrs[k];
      return { attrs, updated: [], deleted };
    });
    return r.deleted;
  }

  async getAttributes(userId: string, groupId: string, keys: readonly string[]): Promise<Record<string, string>> {
    const group = await this.sharedStateGroup(this.store.db.kysely, userId, groupId);
    if (keys.length === 0) return group.attrs;
    return Object.fromEntries(keys.filter((k) => k in group.attrs).map((k) => [k, group.attrs[k]!]));
  }

  private checkCounterKey(key: string): void {
    if (key.length === 0 || utf8(key) > COUNTER_KEY_BYTES) throw invalid(`a counter key is 1 to ${COUNTER_KEY_BYTES} bytes`);
  }

  private checkCounterValue(value: number): void {
    if (!Number.isSafeInteger(value) || Math.abs(value) > COUNTER_LIMIT) throw invalid("a counter value is a safe integer");
  }

  async setCounters(userId: string, groupId: string, counters: Record<string, bigint>): Promise<Map<string, number>> {
    const values = new Map<string, number>();
    for (const [key, value] of Object.entries(counters)) {
      this.checkCounterKey(key);
      this.checkCounterValue(Number(value));
      values.set(key, Number(value));
    }
    if (values.size === 0) throw invalid("counters is required");
    if (values.size > COUNTERS_PER_GROUP) throw invalid(`a group holds at most ${COUNTERS_PER_GROUP} counters`);
    const recipients = await this.store.db.transact(async (trx) => {
      await this.sharedStateGroup(trx, userId, groupId);
      await this.store.setCounters(trx, groupId, values);
      if ((await this.store.counterCount(trx, groupId)) > COUNTERS_PER_GROUP) throw invalid(`a group holds at most ${COUNTERS_PER_GROUP} counters`);
      return this.allMemberIds(trx, groupId);
    });
    for (const [key, value] of values) {
      this.deps.bus.publish(recipients, { case: "groupCounterUpdated", value: { $typeName: "chatwire.v1.GroupCounterUpdated", groupId, key, value: BigInt(value) } });
    }
    return values;
  }

  async addToCounter(userId: string, groupId: string, key: string, delta: number): Promise<number> {
    this.checkCounterKey(key);
    this.checkCounterValue(delta);
    const { value, recipients } = await this.store.db.transact(async (trx) => {
      await this.sharedStateGroup(trx, userId, groupId);
      const value = await this.store.addToCounter(trx, groupId, key, delta);
      if (Math.abs(value) > COUNTER_LIMIT) throw invalid("the counter would leave the safe integer range");
      if ((await this.store.counterCount(trx, groupId)) > COUNTERS_PER_GROUP) throw invalid(`a group holds at most ${COUNTERS_PER_GROUP} counters`);
      return { value, recipients: await this.allMemberIds(trx, groupId) };
    });
    this.deps.bus.publish(recipients, { case: "groupCounterUpdated", value: { $typeName: "chatwire.v1.GroupCounterUpdated", groupId, key, value: BigInt(value) } });
    return value;
  }

  async getCounters(userId: string, groupId: string, keys: readonly string[]): Promise<Map<string, number>> {
    if (keys.length > COUNTERS_PER_GROUP) throw invalid(`at most ${COUNTERS_PER_GROUP} keys`);
    const ex = this.store.db.kysely;
    await this.sharedStateGroup(ex, userId, groupId);
    return this.store.counters(ex, groupId, keys.length > 0 ? keys : undefined);
  }
}
