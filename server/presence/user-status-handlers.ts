// UserStatusService: the Tencent view of presence, over the presence domain.
import type { ServiceImpl } from "@connectrpc/connect";
import type { UserStatusService } from "../../gen/chatwire/v1/user_status_pb.js";
import { chatError } from "../rpc/chat-error.js";
import { sessionOf } from "../rpc/context.js";
import type { Session } from "../sessions/session.js";
import type { Presence } from "./presence.js";

const USER_STATUS_DISABLED = 72001;

/** A status query of oneself is never rate limited (seed 000: "查询自己的状态,不限频"). */
export const userStatusRateLimitExemptions = {
  "chatwire.v1.UserStatusService.GetUserStatus": (message: unknown, session: Session) =>
    (message as { userIdList: string[] }).userIdList.every((id) => id === session.userId),
};

export function createUserStatusHandlers(presence: Presence): ServiceImpl<typeof UserStatusService> {
  const requireQueries = () => {
    if (!presence.options.statusQueryEnabled) throw chatError(USER_STATUS_DISABLED);
  };
  return {
    async setSelfStatus(req, ctx) {
      const status = await presence.setCustomStatus(sessionOf(ctx).userId, req.customStatus);
      return { status };
    },
    async getUserStatus(req, ctx) {
      const { userId } = sessionOf(ctx);
      if (req.userIdList.some((id) => id !== userId)) requireQueries();
      const { statuses, failures } = await presence.query(userId, req.userIdList);
      return { successUserList: statuses, failureUserList: failures };
    },
    async subscribeUserStatus(req, ctx) {
      requireQueries();
      const result = await presence.subscribe(sessionOf(ctx).userId, req.userIdList, 0);
      return { failureUserList: result.failures, userStatusList: result.statuses, evictedUserIdList: result.evicted };
    },
    async unsubscribeUserStatus(req, ctx) {
      requireQueries();
      await presence.unsubscribe(sessionOf(ctx).userId, req.userIdList.length === 0 ? "all" : req.userIdList);
      return { failureUserList: [] };
    },
  };
}
