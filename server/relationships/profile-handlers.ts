// ProfileService: request in, domain call, response out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { ProfileService } from "../../gen/chatwire/v1/profile_pb.js";
import { sessionOf } from "../rpc/context.js";
import type { Blacklist } from "./blacklist.js";
import type { Profiles } from "./profiles.js";

export function createProfileHandlers(profiles: Profiles, blacklist: Blacklist): Partial<ServiceImpl<typeof ProfileService>> {
  return {
    async getMyProfile(_req, ctx) {
      return { profile: await profiles.mine(sessionOf(ctx).userId) };
    },
    async getUserProfile(req) {
      return { profileList: await profiles.ofUsers(req.userIdList) };
    },
    async updateMyProfile(req, ctx) {
      const session = sessionOf(ctx);
      return { profile: await profiles.update(session.userId, req, session.id) };
    },
    async getBlacklist(_req, ctx) {
      return { userIdList: await blacklist.get(sessionOf(ctx).userId) };
    },
    async addToBlacklist(req, ctx) {
      return { userIdList: await blacklist.add(sessionOf(ctx), req.userIdList) };
    },
    async removeFromBlacklist(req, ctx) {
      return { userIdList: await blacklist.remove(sessionOf(ctx), req.userIdList) };
    },
  };
}
