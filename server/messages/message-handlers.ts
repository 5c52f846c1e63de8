// MessageService, and the C2C read-receipt methods of MessageInteractionService: request in, domain call, response out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { MessageService } from "../../gen/chatwire/v1/message_pb.js";
import type { MessageInteractionService } from "../../gen/chatwire/v1/message_reaction_pb.js";
import { sessionOf } from "../rpc/context.js";
import type { Messages } from "./messages.js";

export function createMessageHandlers(messages: Messages): Partial<ServiceImpl<typeof MessageService>> {
  return {
    async sendMessage(req, ctx) {
      return { message: await messages.send(sessionOf(ctx), req) };
    },
    async revokeMessage(req, ctx) {
      return { message: await messages.revoke(sessionOf(ctx), req.message!) };
    },
    async deleteMessage(req, ctx) {
      return { messageList: await messages.delete(sessionOf(ctx).userId, req.messageList) };
    },
    async modifyMessage(req, ctx) {
      return { message: await messages.modify(sessionOf(ctx), req.message!) };
    },
    async downloadMergerMessage(req, ctx) {
      return { message: await messages.downloadMerger(sessionOf(ctx).userId, req.message!) };
    },
    async getMessageList(req, ctx) {
      const page = await messages.list(sessionOf(ctx).userId, req.conversationId, req.nextReqMessageId, req.count);
      return { messageList: page.messageList, nextReqMessageId: page.nextReqMessageId, isCompleted: page.isCompleted };
    },
    async getMessageListHopping(req, ctx) {
      return messages.hopping(sessionOf(ctx).userId, req);
    },
    async setMessageRead(req, ctx) {
      await messages.setRead(sessionOf(ctx).userId, req.conversationId);
      return {};
    },
  };
}

export function createReadReceiptHandlers(messages: Messages): Partial<ServiceImpl<typeof MessageInteractionService>> {
  return {
    async sendMessageReadReceipt(req, ctx) {
      await messages.sendReceipts(sessionOf(ctx).userId, req.messageList);
      return {};
    },
    async getMessageReadReceiptList(req, ctx) {
      return { messageList: await messages.receipts(sessionOf(ctx).userId, req.messageList) };
    },
  };
}
