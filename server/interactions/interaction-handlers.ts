// The reaction and extension methods of MessageInteractionService: request in, domain call, response out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { MessageInteractionService } from "../../gen/chatwire/v1/message_reaction_pb.js";
import { sessionOf } from "../rpc/context.js";
import type { Interactions } from "./interactions.js";

export function createInteractionHandlers(interactions: Interactions): Partial<ServiceImpl<typeof MessageInteractionService>> {
  return {
    async addMessageReaction(req, ctx) {
      await interactions.addReaction(sessionOf(ctx).userId, req.message!, req.reactionId);
      return {};
    },
    async removeMessageReaction(req, ctx) {
      await interactions.removeReaction(sessionOf(ctx).userId, req.message!, req.reactionId);
      return {};
    },
    async getMessageReactions(req, ctx) {
      return { resultList: await interactions.getReactions(sessionOf(ctx).userId, req.messageList, req.maxUserCountPerReaction) };
    },
    async getAllUserListOfMessageReaction(req, ctx) {
      return interactions.reactionUsers(sessionOf(ctx).userId, req.message!, req.reactionId, req.nextSeq, req.count);
    },
    async setMessageExtensions(req, ctx) {
      return { extensions: await interactions.setExtensions(sessionOf(ctx).userId, req.message!, req.extensions) };
    },
    async getMessageExtensions(req, ctx) {
      return { extensions: await interactions.getExtensions(sessionOf(ctx).userId, req.message!, req.keyList) };
    },
    async deleteMessageExtensions(req, ctx) {
      return { extensions: await interactions.deleteExtensions(sessionOf(ctx).userId, req.message!, req.keyList) };
    },
  };
}
