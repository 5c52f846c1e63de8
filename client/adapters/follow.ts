// Follows: the positional cursor is the request's `nextCursor`; followUser, unfollowUser, getUserFollowInfo and
// checkFollowType resolve bare arrays; list entries spread custom profile tags at the top level, and list events
// carry bare user IDs when users were removed — all as the official runtime does.
import type { MutualFollowersListUpdated, MyFollowersListUpdated, MyFollowingListUpdated } from "../../gen/chatwire/v1/follow_pb.js";
import {
  FollowResultSchema,
  FollowTypeResultSchema,
  FollowUserInfoSchema,
  type CheckFollowTypeResponse,
  type FollowUserInfo,
  type FollowUserResponse,
  type GetMyFollowersListResponse,
  type GetUserFollowInfoResponse,
  type UnfollowUserResponse,
} from "../../gen/chatwire/v1/follow_pb.js";
import { toOfficial, type OfficialObject } from "../official-shape.js";
import type { EventAdapter, MethodAdapter } from "./method-adapter.js";

type Obj = Record<string, unknown>;

/** One entry of a follow list: its fields with the custom profile tags spread as keys. */
export function officialFollowUser(info: FollowUserInfo): OfficialObject {
  const { profileCustomField: _custom, ...official } = toOfficial(FollowUserInfoSchema, info as unknown as Obj);
  for (const field of info.profileCustomField) official[field.key] = field.value;
  return official;
}

const results: MethodAdapter<FollowUserResponse | UnfollowUserResponse> = {
  response: (r) => r.resultList.map((x) => toOfficial(FollowResultSchema, x as unknown as Obj)),
};
export const followUser = results;
export const unfollowUser = results;

const list: MethodAdapter<GetMyFollowersListResponse> = {
  request: (options) => ({ nextCursor: typeof options.startIndex === "string" ? options.startIndex : "" }),
  response: (r) => ({ resultList: r.resultList.map(officialFollowUser), nextCursor: r.nextCursor }),
};
export const getMyFollowersList = list;
export const getMyFollowingList = list;
export const getMutualFollowersList = list;

export const getUserFollowInfo: MethodAdapter<GetUserFollowInfoResponse> = {
  response: (r) => r.followInfoList.map((i) => ({ followersCount: i.followersCount, followingCount: i.followingCount, mutualFollowersCount: i.mutualFollowersCount })),
};
export const checkFollowType: MethodAdapter<CheckFollowTypeResponse> = {
  response: (r) => r.resultList.map((x) => toOfficial(FollowTypeResultSchema, x as unknown as Obj)),
};

const listEvent: EventAdapter<MyFollowersListUpdated | MyFollowingListUpdated | MutualFollowersListUpdated> = (payload) => ({
  userInfoList: payload.isAdd ? payload.userInfoList.map(officialFollowUser) : payload.userInfoList.map((u) => u.userId),
  isAdd: payload.isAdd,
});
export const myFollowersListUpdated = listEvent;
export const myFollowingListUpdated = listEvent;
export const mutualFollowersListUpdated = listEvent;
