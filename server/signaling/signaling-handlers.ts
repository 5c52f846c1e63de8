// SignalingService: request in, domain call, response out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { SignalingService } from "../../gen/chatwire/v1/signaling_pb.js";
import { sessionOf } from "../rpc/context.js";
import type { Signaling } from "./signaling.js";

export function createSignalingHandlers(signaling: Signaling): ServiceImpl<typeof SignalingService> {
  return {
    async invite(req, ctx) {
      return signaling.invite(sessionOf(ctx), {
        inviteId: req.inviteId,
        groupId: "",
        invitees: [req.userId],
        data: req.data,
        timeout: req.timeout,
        onlineUserOnly: req.onlineUserOnly,
        offlinePushInfo: req.offlinePushInfo,
      });
    },
    async inviteInGroup(req, ctx) {
      return signaling.invite(sessionOf(ctx), {
        inviteId: req.inviteId,
        groupId: req.groupId,
        invitees: req.inviteeList,
        data: req.data,
        timeout: req.timeout,
        onlineUserOnly: req.onlineUserOnly,
        offlinePushInfo: req.offlinePushInfo,
      });
    },
    async cancel(req, ctx) {
      return signaling.cancel(sessionOf(ctx), req.inviteId, req.data);
    },
    async accept(req, ctx) {
      return signaling.answer(sessionOf(ctx), req.inviteId, req.data, true);
    },
    async reject(req, ctx) {
      return signaling.answer(sessionOf(ctx), req.inviteId, req.data, false);
    },
    async modifyInvitation(req, ctx) {
      return signaling.modify(sessionOf(ctx), req.inviteId, req.data);
    },
  };
}
