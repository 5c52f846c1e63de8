// RelationshipAdminService: profiles and friendships set by a backend on behalf of users.
import type { ServiceImpl } from "@connectrpc/connect";
import { UpdateMyProfileRequestSchema } from "../../gen/chatwire/v1/profile_pb.js";
import type { RelationshipAdminService } from "../../gen/chatwire/v1/relationship_admin_pb.js";
import { create } from "@bufbuild/protobuf";
import type { Accounts } from "../accounts/accounts.js";
import type { Friends } from "./friends.js";
import type { Profiles } from "./profiles.js";

const DEFAULT_SOURCE = "AddSource_Type_Admin";

export function createRelationshipAdminHandlers(deps: { accounts: Accounts; profiles: Profiles; friends: Friends }): ServiceImpl<typeof RelationshipAdminService> {
  const failuresOf = (failures: { userId: string; code: number; message: string }[]) => failures.map(({ userId, code, message }) => ({ userId, code, message }));
  return {
    async setUserProfile(req) {
      const changes = req.changes ?? create(UpdateMyProfileRequestSchema);
      await deps.accounts.ensure([req.userId]);
      return { profile: await deps.profiles.update(req.userId, changes) };
    },
    async addFriends(req) {
      const { success, failures } = await deps.friends.adminAdd(req.userId, req.friendIdList, req.oneWay, req.source || DEFAULT_SOURCE);
      return { successUserIdList: success, failureUserIdList: failuresOf(failures) };
    },
    async deleteFriends(req) {
      const { success, failures } = await deps.friends.adminDelete(req.userId, req.friendIdList, req.oneWay);
      return { successUserIdList: success, failureUserIdList: failuresOf(failures) };
    },
  };
}
