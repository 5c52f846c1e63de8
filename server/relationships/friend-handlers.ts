// FriendService: request in, domain call, response out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { FriendService } from "../../gen/chatwire/v1/friend_pb.js";
import { sessionOf } from "../rpc/context.js";
import type { Friends } from "./friends.js";

export function createFriendHandlers(friends: Friends): Partial<ServiceImpl<typeof FriendService>> {
  return {
    async getFriendList(_req, ctx) {
      return { friendList: await friends.list(sessionOf(ctx).userId) };
    },
    async addFriend(req, ctx) {
      return friends.add(sessionOf(ctx), req);
    },
    async deleteFriend(req, ctx) {
      const { success, failures } = await friends.delete(sessionOf(ctx), req.userIdList, req.type);
      return { successUserIdList: success.map((userId) => ({ userId })), failureUserIdList: failures };
    },
    async checkFriend(req, ctx) {
      return { successUserIdList: await friends.check(sessionOf(ctx).userId, req.userIdList, req.type), failureUserIdList: [] };
    },
    async getFriendProfile(req, ctx) {
      const { friends: friendList, failures } = await friends.profilesOf(sessionOf(ctx).userId, req.userIdList);
      return { friendList, failureUserIdList: failures };
    },
    async updateFriend(req, ctx) {
      return { friend: await friends.update(sessionOf(ctx), req) };
    },
    async getFriendApplicationList(_req, ctx) {
      const { list, unreadCount } = await friends.applications(sessionOf(ctx).userId);
      return { friendApplicationList: list, unreadCount };
    },
    async acceptFriendApplication(req, ctx) {
      await friends.accept(sessionOf(ctx), req.userId, req.remark, req.type);
      return {};
    },
    async refuseFriendApplication(req, ctx) {
      await friends.refuse(sessionOf(ctx), req.userId);
      return {};
    },
    async deleteFriendApplication(req, ctx) {
      await friends.deleteApplication(sessionOf(ctx), req.userId, req.type);
      return {};
    },
    async setFriendApplicationRead(_req, ctx) {
      await friends.setApplicationsRead(sessionOf(ctx));
      return {};
    },
    async getFriendGroupList(_req, ctx) {
      return { friendGroupList: await friends.groups(sessionOf(ctx).userId) };
    },
    async createFriendGroup(req, ctx) {
      const { group, failures } = await friends.createGroup(sessionOf(ctx), req.name, req.userIdList);
      return { friendGroup: group, failureUserIdList: failures };
    },
    async deleteFriendGroup(req, ctx) {
      return { friendGroup: await friends.deleteGroup(sessionOf(ctx), req.name) };
    },
    async addToFriendGroup(req, ctx) {
      return { friendGroup: await friends.changeGroup(sessionOf(ctx), req.name, req.userIdList, true), failureUserIdList: [] };
    },
    async removeFromFriendGroup(req, ctx) {
      return { friendGroup: await friends.changeGroup(sessionOf(ctx), req.name, req.userIdList, false), failureUserIdList: [] };
    },
    async renameFriendGroup(req, ctx) {
      return { friendGroup: await friends.renameGroup(sessionOf(ctx), req.oldName, req.newName) };
    },
  };
}
