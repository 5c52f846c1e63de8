// FollowService: request in, domain call, response out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { FollowService } from "../../gen/chatwire/v1/follow_pb.js";
import { sessionOf } from "../rpc/context.js";
import type { Follows } from "./follows.js";

export function createFollowHandlers(follows: Follows): Partial<ServiceImpl<typeof FollowService>> {
  return {
    async followUser(req, ctx) {
      return { resultList: await follows.follow(sessionOf(ctx), req.userIdList) };
    },
    async unfollowUser(req, ctx) {
      return { resultList: await follows.unfollow(sessionOf(ctx), req.userIdList) };
    },
    async getMyFollowersList(req, ctx) {
      return follows.list(sessionOf(ctx).userId, "followers", req.nextCursor);
    },
    async getMyFollowingList(req, ctx) {
      return follows.list(sessionOf(ctx).userId, "following", req.nextCursor);
    },
    async getMutualFollowersList(req, ctx) {
      return follows.list(sessionOf(ctx).userId, "mutual", req.nextCursor);
    },
    async getUserFollowInfo(req, ctx) {
      return { followInfoList: await follows.info(sessionOf(ctx).userId, req.userIdList) };
    },
    async checkFollowType(req, ctx) {
      return { resultList: await follows.check(sessionOf(ctx).userId, req.userIdList) };
    },
  };
}
