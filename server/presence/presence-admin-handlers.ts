// PresenceAdminService: the Easemob view of presence (also served as REST through the generated route table).
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { PresenceSchema, type Presence as EasemobPresence, type PresenceAdminService } from "../../gen/chatwire/v1/presence_admin_pb.js";
import { chatError } from "../rpc/chat-error.js";
import type { PresenceRecord } from "./presence-store.js";
import type { UserStatus } from "../../gen/chatwire/v1/user_status_pb.js";
import type { Clock } from "../clock.js";
import type { Presence } from "./presence.js";

const INVALID_PARAMETER = 70402;

export interface PresenceAdminDeps {
  presence: Presence;
  clock: Clock;
  orgName: string;
  appName: string;
}

function easemobPresence(record: PresenceRecord, status: UserStatus, expiry = 0n): EasemobPresence {
  const devices: Record<string, string> = {};
  for (const d of status.devices) devices[d.deviceId] = d.status;
  return create(PresenceSchema, {
    uid: record.userId,
    lastTime: BigInt(Math.floor(record.lastActiveTime / 1000)),
    expiry,
    ext: record.customStatus,
    status: devices,
  });
}

export function createPresenceAdminHandlers(deps: PresenceAdminDeps): ServiceImpl<typeof PresenceAdminService> {
  const checkApp = (req: { orgName: string; appName: string }) => {
    if (req.orgName !== deps.orgName || req.appName !== deps.appName) {
      throw chatError(INVALID_PARAMETER, `unknown application ${req.orgName}/${req.appName}; this server is ${deps.orgName}/${deps.appName}`);
    }
  };
  return {
    async setPresence(req) {
      checkApp(req);
      await deps.presence.setDevice(req.username, req.resource, req.status, req.ext);
      return { result: "ok" };
    },
    async subscribePresence(req) {
      checkApp(req);
      const expireTime = deps.clock.now() + Number(req.expiry) * 1000;
      await deps.presence.ensureAccounts([req.username]);
      await deps.presence.subscribe(req.username, req.usernames, expireTime);
      const expiry = BigInt(Math.floor(expireTime / 1000));
      const found = await deps.presence.recordsForAdmin(req.usernames.filter((u) => u !== req.username));
      return { result: found.map(({ record, status }) => easemobPresence(record, status, expiry)) };
    },
    async getPresence(req) {
      checkApp(req);
      const found = await deps.presence.recordsForAdmin(req.usernames);
      return { result: found.map(({ record, status }) => easemobPresence(record, status)) };
    },
    async unsubscribePresence(req) {
      checkApp(req);
      await deps.presence.unsubscribe(req.username, req.users);
      return { result: "ok" };
    },
    async listPresenceSubscriptions(req) {
      checkApp(req);
      const pageNum = Math.max(1, req.pageNum);
      const pageSize = Math.max(1, req.pageSize);
      const page = await deps.presence.listSubscriptions(req.username, (pageNum - 1) * pageSize, pageSize);
      return {
        result: {
          totalnum: BigInt(page.total),
          sublist: page.entries.map((s) => ({ uid: s.targetId, expiry: BigInt(Math.floor(s.expireTime / 1000)) })),
        },
      };
    },
  };
}
