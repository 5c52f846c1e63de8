// The adapters by official method name and by Event variant; everything not listed maps generically.
import type { EventAdapter, MethodAdapter } from "./method-adapter.js";
import { groupListUpdated } from "./group.js";
import { login } from "./session.js";
import {
  checkFollowType,
  followUser,
  getMutualFollowersList,
  getMyFollowersList,
  getMyFollowingList,
  getUserFollowInfo,
  mutualFollowersListUpdated,
  myFollowersListUpdated,
  myFollowingListUpdated,
  unfollowUser,
} from "./follow.js";
import { addFriend, friendGroupListUpdated, friendListUpdated, getFriendGroupList, getFriendList, getFriendProfile, renameFriendGroup, updateFriend } from "./friend.js";
import { addToBlacklist, blacklistUpdated, getBlacklist, getMyProfile, getUserProfile, profileUpdated, removeFromBlacklist, updateMyProfile } from "./profile.js";
import { getUserStatus, setSelfStatus, subscribeUserStatus, unsubscribeUserStatus, userStatusUpdated } from "./user-status.js";

/** Official method name → adapter. */
export const methodAdapters: Readonly<Record<string, MethodAdapter>> = {
  login,
  setSelfStatus,
  getUserStatus,
  subscribeUserStatus,
  unsubscribeUserStatus,
  getMyProfile,
  getUserProfile,
  updateMyProfile,
  getBlacklist,
  addToBlacklist,
  removeFromBlacklist,
  getFriendList,
  updateFriend,
  getFriendProfile,
  addFriend,
  getFriendGroupList,
  renameFriendGroup,
  followUser,
  unfollowUser,
  getMyFollowersList,
  getMyFollowingList,
  getMutualFollowersList,
  getUserFollowInfo,
  checkFollowType,
};

/** Event oneof case → adapter. */
export const eventAdapters: Readonly<Record<string, EventAdapter>> = {
  userStatusUpdated,
  profileUpdated,
  blacklistUpdated,
  friendListUpdated,
  friendGroupListUpdated,
  groupListUpdated,
  myFollowersListUpdated,
  myFollowingListUpdated,
  mutualFollowersListUpdated,
};
