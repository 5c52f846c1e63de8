// MessageService.SearchCloudMessages and SearchService.SearchCloudUsers, SearchCloudGroups, SearchCloudGroupMembers: request in, domain call, response out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { MessageService } from "../../gen/chatwire/v1/message_pb.js";
import { sessionOf } from "../rpc/context.js";
import type { SearchService } from "../../gen/chatwire/v1/search_pb.js";
import type { CloudMessageSearch } from "./cloud-message-search.js";
import type { CloudUserSearch } from "./cloud-user-search.js";
import type { CloudGroupSearch } from "./cloud-group-search.js";

export function createCloudMessageSearchHandlers(search: CloudMessageSearch): Partial<ServiceImpl<typeof MessageService>> {
  return {
    async searchCloudMessages(req, ctx) {
      return search.search(sessionOf(ctx).userId, req);
    },
  };
}

export function createSearchHandlers(users: CloudUserSearch, groups: CloudGroupSearch): Partial<ServiceImpl<typeof SearchService>> {
  return {
    async searchCloudUsers(req) {
      return users.search(req);
    },
    async searchCloudGroups(req, ctx) {
      return groups.groups(sessionOf(ctx).userId, req);
    },
    async searchCloudGroupMembers(req, ctx) {
      return groups.members(sessionOf(ctx).userId, req);
    },
  };
}
