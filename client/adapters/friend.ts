// Friends: the official results are the friend list itself, the friend, the group list or the group, and a
// friend's profile reads gender "" when never set (as profiles do). addFriend resolves `{userID, code}`, with a
// `message` only for 30539.
import type { FriendGroupListUpdated, FriendListUpdated } from "../../gen/chatwire/v1/friend_pb.js";
import {
  FriendGroupSchema,
  FriendSchema,
  type AddFriendResponse,
  type Friend,
  type GetFriendGroupListResponse,
  type GetFriendListResponse,
  type GetFriendProfileResponse,
  type RenameFriendGroupResponse,
  type UpdateFriendResponse,
  FriendFailureSchema,
} from "../../gen/chatwire/v1/friend_pb.js";
import { toOfficial, type OfficialObject } from "../official-shape.js";
import type { EventAdapter, MethodAdapter } from "./method-adapter.js";
import { officialProfile } from "./profile.js";

/** Returns the official shape of a friend. */
export function officialFriend(friend: Friend | undefined): OfficialObject {
  const official = toOfficial(FriendSchema, (friend ?? { userId: "" }) as unknown as Record<string, unknown>);
  official.profile = officialProfile(friend?.profile);
  return official;
}

const group = (g: unknown) => toOfficial(FriendGroupSchema, g as Record<string, unknown>);

export const getFriendList: MethodAdapter<GetFriendListResponse> = { response: (r) => r.friendList.map(officialFriend) };
export const updateFriend: MethodAdapter<UpdateFriendResponse> = { response: (r) => officialFriend(r.friend) };
export const getFriendProfile: MethodAdapter<GetFriendProfileResponse> = {
  response: (r) => ({
    friendList: r.friendList.map(officialFriend),
    failureUserIDList: r.failureUserIdList.map((f) => toOfficial(FriendFailureSchema, f as unknown as Record<string, unknown>)),
  }),
};
export const addFriend: MethodAdapter<AddFriendResponse> = {
  response: (r) => (r.code === 0 ? { userID: r.userId, code: 0 } : { userID: r.userId, code: r.code, message: r.message }),
};
export const getFriendGroupList: MethodAdapter<GetFriendGroupListResponse> = { response: (r) => r.friendGroupList.map(group) };
export const renameFriendGroup: MethodAdapter<RenameFriendGroupResponse> = { response: (r) => group(r.friendGroup ?? { name: "" }) };

/** FRIEND_LIST_UPDATED carries `Array<Friend>`. */
export const friendListUpdated: EventAdapter<FriendListUpdated> = (payload) => payload.friendList.map(officialFriend);
/** FRIEND_GROUP_LIST_UPDATED carries `Array<FriendGroup>`. */
export const friendGroupListUpdated: EventAdapter<FriendGroupListUpdated> = (payload) => payload.friendGroupList.map(group);
