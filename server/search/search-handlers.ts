// MessageService.SearchCloudMessages and SearchService.SearchCloudUsers: request in, domain call, response out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { MessageService } from "../../gen/chatwire/v1/message_pb.js";
import { sessionOf } from "../rpc/context.js";
import type { SearchService } from "../../gen/chatwire/v1/search_pb.js";
import type { CloudMessageSearch } from "./cloud-message-search.js";
import type { CloudUserSearch } from "./cloud-user-search.js";

export function createCloudMessageSearchHandlers(search: CloudMessageSearch): Partial<ServiceImpl<typeof MessageService>> {
  return {
    async searchCloudMessages(req, ctx) {
      return search.search(sessionOf(ctx).userId, req);
    },
  };
}

export function createSearchHandlers(users: CloudUserSearch): Partial<ServiceImpl<typeof SearchService>> {
  return {
    async searchCloudUsers(req) {
      return users.search(req);
    },
  };
}
