// AccountAdminService: imports accounts so they exist before their first login.
import type { ServiceImpl } from "@connectrpc/connect";
import type { AccountAdminService } from "../../gen/chatwire/v1/account_admin_pb.js";
import type { Presence } from "../presence/presence.js";

export function createAccountAdminHandlers(presence: Presence): ServiceImpl<typeof AccountAdminService> {
  return {
    async importAccounts(req) {
      return { createdUserIdList: await presence.ensureAccounts(req.userIdList) };
    },
  };
}
