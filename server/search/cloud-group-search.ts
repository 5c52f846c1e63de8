// searchCloudGroups and searchCloudGroupMembers: groups found by group ID or name, and members of the caller's
// groups found by user ID, nickname or name card (substrings, OR or AND), narrowed by group type (and group IDs),
// paged in ID order with an opaque cursor, through group-search-store.ts; the views come from the groups domain.
import { create } from "@bufbuild/protobuf";
import type {
  SearchCloudGroupMembersRequest,
  SearchCloudGroupMembersResponse,
  SearchCloudGroupsRequest,
  SearchCloudGroupsResponse,
} from "../../gen/chatwire/v1/search_pb.js";
import { SearchedGroupInfoSchema, SearchedGroupMemberResultSchema } from "../../gen/chatwire/v1/search_pb.js";
import type { Group } from "../../gen/chatwire/v1/group_pb.js";
import type { GroupMember } from "../../gen/chatwire/v1/group_member_pb.js";
import { GroupType } from "../../gen/chatwire/v1/types_pb.js";
import { chatError } from "../rpc/chat-error.js";
import { keywordsOf } from "./cloud-user-search.js";
import type { GroupSearchStore } from "./group-search-store.js";

const INVALID_PARAMETER = 70402;
const DEFAULT_COUNT = 20;
const MAX_GROUP_IDS = 100;
const MAX_GROUP_ID_CHARS = 128;
const SEARCHABLE: readonly GroupType[] = [GroupType.WORK, GroupType.PUBLIC, GroupType.MEETING, GroupType.COMMUNITY];

export interface CloudGroupSearchDeps {
  index: GroupSearchStore;
  /** The groups' profiles, in the order asked (Groups.searchResults). */
  groupsOf(groupIds: readonly string[]): Promise<Group[]>;
  /** The members' views grouped by group (Groups.memberSearchResults). */
  membersOf(found: readonly { groupId: string; userId: string }[]): Promise<
    { group: { groupId: string; name: string; type: number; avatar: string }; members: GroupMember[] }[]
  >;
}

function invalid(message: string): never {
  throw chatError(INVALID_PARAMETER, message);
}

function typesOf(list: readonly GroupType[]): GroupType[] {
  if (list.length > SEARCHABLE.length * 2) invalid("groupTypeList is too long");
  for (const t of list) if (!SEARCHABLE.includes(t)) invalid("groupTypeList takes GRP_WORK, GRP_PUBLIC, GRP_MEETING and GRP_COMMUNITY only");
  return list.length === 0 ? [...SEARCHABLE] : [...new Set(list)];
}

function parseCursor(cursor: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = cursor.length <= 1024 ? JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) : undefined;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null) invalid("cursor is not one this server returned");
  return parsed as Record<string, unknown>;
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export class CloudGroupSearch {
  constructor(private readonly deps: CloudGroupSearchDeps) {}

  async groups(caller: string, req: SearchCloudGroupsRequest): Promise<Omit<SearchCloudGroupsResponse, "$typeName">> {
    const criteria = { ...keywordsOf(req.keywordList, req.keywordListMatchType), types: typesOf(req.groupTypeList) };
    const count = req.count === 0 ? DEFAULT_COUNT : req.count;
    let after: string | undefined;
    if (req.cursor) {
      const g = parseCursor(req.cursor).g;
      if (typeof g !== "string") invalid("cursor is not one this server returned");
      after = g;
    }
    const { total, groupIds } = await this.deps.index.groups(caller, criteria, after, count + 1);
    const page = groupIds.slice(0, count);
    return {
      searchResultList: await this.deps.groupsOf(page),
      cursor: groupIds.length > count ? encode({ g: page.at(-1) }) : "",
      totalCount: total,
    };
  }

  async members(caller: string, req: SearchCloudGroupMembersRequest): Promise<Omit<SearchCloudGroupMembersResponse, "$typeName">> {
    const criteria = { ...keywordsOf(req.keywordList, req.keywordListMatchType), types: typesOf(req.groupTypeList), groupIds: undefined as string[] | undefined };
    if (req.groupIdList.length > 0) {
      if (req.groupIdList.length > MAX_GROUP_IDS) invalid(`groupIDList holds at most ${MAX_GROUP_IDS} groups`);
      for (const id of req.groupIdList) if (id === "" || id.length > MAX_GROUP_ID_CHARS) invalid("groupIDList holds an invalid group ID");
      criteria.groupIds = [...new Set(req.groupIdList)];
    }
    const count = req.count === 0 ? DEFAULT_COUNT : req.count;
    let after: { groupId: string; userId: string } | undefined;
    if (req.cursor) {
      const { g, u } = parseCursor(req.cursor);
      if (typeof g !== "string" || typeof u !== "string") invalid("cursor is not one this server returned");
      after = { groupId: g, userId: u };
    }
    const { total, members } = await this.deps.index.members(caller, criteria, after, count + 1);
    const page = members.slice(0, count);
    const last = page.at(-1);
    const results = await this.deps.membersOf(page);
    return {
      searchResultList: results.map((r) =>
        create(SearchedGroupMemberResultSchema, {
          groupInfo: create(SearchedGroupInfoSchema, { groupId: r.group.groupId, name: r.group.name, type: r.group.type, avatar: r.group.avatar }),
          memberList: r.members,
        }),
      ),
      cursor: members.length > count && last ? encode({ g: last.groupId, u: last.userId }) : "",
      totalCount: total,
    };
  }
}
