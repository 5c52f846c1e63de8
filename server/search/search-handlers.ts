// MessageService.SearchCloudMessages: request in, domain call, response out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { MessageService } from "../../gen/chatwire/v1/message_pb.js";
import { sessionOf } from "../rpc/context.js";
import type { CloudMessageSearch } from "./cloud-message-search.js";

export function createCloudMessageSearchHandlers(search: CloudMessageSearch): Partial<ServiceImpl<typeof MessageService>> {
  return {
    async searchCloudMessages(req, ctx) {
      return search.search(sessionOf(ctx).userId, req);
    },
  };
}
