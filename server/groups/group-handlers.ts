// GroupService, GroupMemberService, GroupAttributeService and CommunityService: request in, domain call, response out.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { CommunityService } from "../../gen/chatwire/v1/community_pb.js";
import type { GroupAttributeService } from "../../gen/chatwire/v1/group_attribute_pb.js";
import type { GroupMemberService } from "../../gen/chatwire/v1/group_member_pb.js";
import { GroupApplicationSchema, type GroupApplication, type GroupService } from "../../gen/chatwire/v1/group_pb.js";
import type { Message } from "../../gen/chatwire/v1/message_pb.js";
import { messageOf } from "../rpc/chat-error.js";
import { sessionOf } from "../rpc/context.js";
import { GROUP_NOT_FOUND, type Groups } from "./groups.js";

/** A join request's group system notice (operation type 1) names the application: its group and applicant. */
function applicationOfNotice(message: Message | undefined): GroupApplication | undefined {
  if (message?.payload.case !== "groupSystemNotice" || message.payload.value.operationType !== 1) return undefined;
  const notice = message.payload.value;
  return create(GroupApplicationSchema, { groupId: notice.groupProfile?.groupId ?? "", applicant: notice.operatorId, applicationType: 0 });
}

const me = (ctx: Parameters<typeof sessionOf>[0]) => sessionOf(ctx).userId;
const counterMap = (m: Map<string, number>) => Object.fromEntries([...m].map(([k, v]) => [k, BigInt(v)]));

export function createGroupHandlers(groups: Groups): Partial<ServiceImpl<typeof GroupService>> {
  return {
    async createGroup(req, ctx) {
      const r = await groups.create(me(ctx), req);
      return { group: r.group, overLimitUserIdList: r.overLimit };
    },
    async getGroupList(req, ctx) {
      return { groupList: await groups.listOf(me(ctx), req.groupProfileFilter), isSyncCompleted: true };
    },
    async getGroupProfile(req, ctx) {
      return { group: await groups.profile(me(ctx), req.groupId, req.groupCustomFieldFilter, req.memberCustomFieldFilter) };
    },
    async updateGroupProfile(req, ctx) {
      return { group: await groups.updateProfile(me(ctx), req) };
    },
    async dismissGroup(req, ctx) {
      await groups.dismiss(me(ctx), req.groupId);
      return { groupId: req.groupId };
    },
    async joinGroup(req, ctx) {
      const r = await groups.join(me(ctx), req.groupId, req.applyMessage);
      return { status: r.status, group: r.group };
    },
    async quitGroup(req, ctx) {
      await groups.quit(me(ctx), req.groupId);
      return { groupId: req.groupId };
    },
    async searchGroupByID(req, ctx) {
      sessionOf(ctx);
      return { group: await groups.search(req.groupId) };
    },
    async getGroupOnlineMemberCount(req, ctx) {
      return { memberCount: await groups.onlineMemberCount(me(ctx), req.groupId) };
    },
    async changeGroupOwner(req, ctx) {
      return { group: await groups.changeOwner(me(ctx), req.groupId, req.newOwnerId) };
    },
    async pinGroupMessage(req, ctx) {
      await groups.pin(me(ctx), req.groupId, req.message!, req.isPinned);
      return {};
    },
    async getPinnedGroupMessageList(req, ctx) {
      return { messageList: await groups.pinned(me(ctx), req.groupId) };
    },
    async getGroupApplicationList(_req, ctx) {
      return { applicationList: await groups.applications(me(ctx)) };
    },
    async handleGroupApplication(req, ctx) {
      return {
        group: await groups.handleApplication(me(ctx), {
          handleAction: req.handleAction,
          handleMessage: req.handleMessage,
          application: req.application ?? applicationOfNotice(req.message),
          hasMessage: req.message !== undefined,
        }),
      };
    },
  };
}

export function createGroupMemberHandlers(groups: Groups): Partial<ServiceImpl<typeof GroupMemberService>> {
  return {
    async getGroupMemberList(req, ctx) {
      const r = await groups.memberList(me(ctx), req);
      return { memberList: r.members, offset: r.offset };
    },
    async getGroupMemberProfile(req, ctx) {
      return { memberList: await groups.memberProfiles(me(ctx), req.groupId, req.userIdList, req.memberCustomFieldFilter) };
    },
    async addGroupMember(req, ctx) {
      const r = await groups.addMembers(me(ctx), req.groupId, req.userIdList);
      return {
        successUserIdList: r.success,
        failureUserIdList: r.failure,
        existedUserIdList: r.existed,
        overLimitUserIdList: r.overLimit,
        group: r.group,
      };
    },
    async deleteGroupMember(req, ctx) {
      const r = await groups.deleteMembers(me(ctx), req);
      return { group: r.group, userIdList: r.removed };
    },
    async setGroupMemberMuteTime(req, ctx) {
      return groups.setMuteTime(me(ctx), req.groupId, req.userId, req.muteTime);
    },
    async setGroupMemberRole(req, ctx) {
      return groups.setRole(me(ctx), req.groupId, req.userId, req.role);
    },
    async setGroupMemberNameCard(req, ctx) {
      return groups.setNameCard(me(ctx), req.groupId, req.userId, req.nameCard);
    },
    async setGroupMemberCustomField(req, ctx) {
      return groups.setMemberCustomField(me(ctx), req.groupId, req.userId, req.memberCustomField);
    },
    async markGroupMemberList(req, ctx) {
      const r = await groups.markMembers(me(ctx), req);
      return { successUserIdList: r.success, failureUserIdList: r.failure };
    },
  };
}

export function createGroupAttributeHandlers(groups: Groups): Partial<ServiceImpl<typeof GroupAttributeService>> {
  return {
    async initGroupAttributes(req, ctx) {
      return { groupAttributes: await groups.initAttributes(me(ctx), req.groupId, req.groupAttributes) };
    },
    async setGroupAttributes(req, ctx) {
      return { groupAttributes: await groups.setAttributes(me(ctx), req.groupId, req.groupAttributes) };
    },
    async deleteGroupAttributes(req, ctx) {
      return { keyList: await groups.deleteAttributes(me(ctx), req.groupId, req.keyList) };
    },
    async getGroupAttributes(req, ctx) {
      return { groupAttributes: await groups.getAttributes(me(ctx), req.groupId, req.keyList) };
    },
    async setGroupCounters(req, ctx) {
      return { counters: counterMap(await groups.setCounters(me(ctx), req.groupId, req.counters)) };
    },
    async increaseGroupCounter(req, ctx) {
      const value = await groups.addToCounter(me(ctx), req.groupId, req.key, Number(req.value));
      return { counters: { [req.key]: BigInt(value) }, groupId: req.groupId, key: req.key, value: BigInt(value) };
    },
    async decreaseGroupCounter(req, ctx) {
      const value = await groups.addToCounter(me(ctx), req.groupId, req.key, -Number(req.value));
      return { counters: { [req.key]: BigInt(value) }, groupId: req.groupId, key: req.key, value: BigInt(value) };
    },
    async getGroupCounters(req, ctx) {
      return { counters: counterMap(await groups.getCounters(me(ctx), req.groupId, req.keyList)) };
    },
  };
}

export function createCommunityHandlers(groups: Groups): Partial<ServiceImpl<typeof CommunityService>> {
  return {
    async getJoinedCommunityList(_req, ctx) {
      return { groupList: await groups.joinedCommunities(me(ctx)) };
    },
    async createTopicInCommunity(req, ctx) {
      return { topicId: await groups.createTopic(me(ctx), req) };
    },
    async deleteTopicFromCommunity(req, ctx) {
      const r = await groups.deleteTopics(me(ctx), req.groupId, req.topicIdList);
      return {
        successTopicList: r.success.map((topicId) => ({ topicId })),
        failureTopicList: r.failure.map((topicId) => ({ topicId, code: GROUP_NOT_FOUND, message: messageOf(GROUP_NOT_FOUND) })),
      };
    },
    async updateTopicProfile(req, ctx) {
      return { topic: await groups.updateTopic(me(ctx), req) };
    },
    async getTopicList(req, ctx) {
      const r = await groups.topicList(me(ctx), req.groupId, req.topicIdList);
      return {
        successTopicList: r.success,
        failureTopicList: r.failure.map((topicId) => ({ topicId, code: GROUP_NOT_FOUND, message: messageOf(GROUP_NOT_FOUND) })),
      };
    },
  };
}
