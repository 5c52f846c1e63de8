// ConversationService: request in, domain call, response out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { ConversationService } from "../../gen/chatwire/v1/conversation_pb.js";
import { MessageRemindType } from "../../gen/chatwire/v1/types_pb.js";
import type { Clock } from "../clock.js";
import type { Messages } from "../messages/messages.js";
import { chatError } from "../rpc/chat-error.js";
import { sessionOf } from "../rpc/context.js";
import type { Conversations } from "./conversations.js";

const INVALID_PARAMETER = 70402;
const DAY_S = 86_400;

export function createConversationHandlers(conversations: Conversations, messages: Messages, clock: Clock): Partial<ServiceImpl<typeof ConversationService>> {
  return {
    async getConversationList(req, ctx) {
      return { conversationList: await conversations.list(sessionOf(ctx).userId, req), isSyncCompleted: true };
    },
    async getConversationProfile(req, ctx) {
      return { conversation: await conversations.profile(sessionOf(ctx).userId, req.conversationId) };
    },
    async deleteConversation(req, ctx) {
      const deleted = await conversations.delete(sessionOf(ctx), req.conversationIdList, req.clearHistoryMessage ?? true);
      return { conversationIdList: deleted };
    },
    async clearHistoryMessage(req, ctx) {
      await conversations.clearHistory(sessionOf(ctx).userId, req.conversationId);
      return { conversationId: req.conversationId };
    },
    async pinConversation(req, ctx) {
      await conversations.pin(sessionOf(ctx).userId, req.conversationId, req.isPinned);
      return { conversationId: req.conversationId };
    },
    async setAllMessageRead(req, ctx) {
      await messages.setAllRead(sessionOf(ctx).userId, req.scope);
      return {};
    },
    async setMessageRemindType(req, ctx) {
      const userId = sessionOf(ctx).userId;
      if (req.groupId) {
        await conversations.setGroupRemindType(userId, req.groupId, req.messageRemindType);
        return { successUserIdList: [], failureUserIdList: [], groupId: req.groupId, messageRemindType: req.messageRemindType };
      }
      if (req.userIdList.length === 0) throw chatError(INVALID_PARAMETER, "groupID or userIDList is required");
      const result = await conversations.setC2CRemindType(userId, req.userIdList, req.messageRemindType);
      return {
        successUserIdList: result.success.map((userId) => ({ userId })),
        failureUserIdList: result.failures,
        groupId: "",
        messageRemindType: req.messageRemindType,
      };
    },
    async setAllReceiveMessageOpt(req, ctx) {
      const remindType = req.messageRemindType || MessageRemindType.ACPT_NOT_NOTE;
      if (![MessageRemindType.ACPT_NOT_NOTE, MessageRemindType.DISCARD, MessageRemindType.ACPT_AND_NOTE].includes(remindType)) {
        throw chatError(INVALID_PARAMETER, "messageRemindType must be MSG_REMIND_ACPT_NOT_NOTE, MSG_REMIND_DISCARD or MSG_REMIND_ACPT_AND_NOTE");
      }
      const isRepeated = req.isRepeated ?? true;
      let startTime = 0;
      let endTime = 0;
      if (remindType !== MessageRemindType.ACPT_AND_NOTE) {
        // Today's start time in the caller's local time (the facade sends its UTC offset), as Unix seconds.
        const offsetS = req.utcOffsetMinutes * 60;
        const localNow = Math.floor(clock.now() / 1000) + offsetS;
        const localMidnight = localNow - (((localNow % DAY_S) + DAY_S) % DAY_S);
        startTime = localMidnight + req.startHour * 3600 + req.startMinute * 60 + req.startSecond - offsetS;
        endTime = startTime + (isRepeated && req.duration >= DAY_S ? DAY_S : req.duration);
      }
      const opt = await conversations.setReceiveOpt(sessionOf(ctx).userId, { remindType, startTime, endTime, isRepeated });
      return { messageRemindType: opt.remindType, startTime: BigInt(opt.startTime), endTime: BigInt(opt.endTime), isRepeated: opt.isRepeated };
    },
    async getAllReceiveMessageOpt(_req, ctx) {
      const opt = await conversations.receiveOpt(sessionOf(ctx).userId);
      return { messageRemindType: opt.remindType, startTime: BigInt(opt.startTime), endTime: BigInt(opt.endTime), isRepeated: opt.isRepeated };
    },
    async setConversationCustomData(req, ctx) {
      const r = await conversations.setCustomData(sessionOf(ctx).userId, req.conversationIdList, req.customData);
      return { successConversationIdList: r.success, failureConversationIdList: r.failures };
    },
    async markConversation(req, ctx) {
      const r = await conversations.mark(sessionOf(ctx).userId, req.conversationIdList, req.markType, req.enableMark);
      return { successConversationIdList: r.success, failureConversationIdList: r.failures };
    },
    async getConversationGroupList(_req, ctx) {
      return { groupNameList: await conversations.folderNames(sessionOf(ctx).userId) };
    },
    async createConversationGroup(req, ctx) {
      const r = await conversations.createFolder(sessionOf(ctx).userId, req.groupName, req.conversationIdList);
      return { successConversationIdList: r.success, failureConversationIdList: r.failures };
    },
    async deleteConversationGroup(req, ctx) {
      await conversations.deleteFolder(sessionOf(ctx).userId, req.groupName);
      return {};
    },
    async renameConversationGroup(req, ctx) {
      await conversations.renameFolder(sessionOf(ctx).userId, req.oldName, req.newName);
      return {};
    },
    async addConversationsToGroup(req, ctx) {
      const r = await conversations.changeFolder(sessionOf(ctx).userId, req.groupName, req.conversationIdList, true);
      return { successConversationIdList: r.success, failureConversationIdList: r.failures };
    },
    async deleteConversationsFromGroup(req, ctx) {
      const r = await conversations.changeFolder(sessionOf(ctx).userId, req.groupName, req.conversationIdList, false);
      return { successConversationIdList: r.success, failureConversationIdList: r.failures };
    },
  };
}
