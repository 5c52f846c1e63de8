// What concurrent calls of two users leave behind, on every engine: two users who follow each other at the same
// moment end up mutual, counted once each; concurrent profile updates of one user both land; two users adding each
// other at the same moment end up friends both ways, once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { FollowService } from "../../gen/chatwire/v1/follow_pb.js";
import { FriendService } from "../../gen/chatwire/v1/friend_pb.js";
import { ProfileService } from "../../gen/chatwire/v1/profile_pb.js";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { FriendAddType } from "../../gen/chatwire/v1/types_pb.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { startServer } from "../../server/index.js";
import { ENGINES, freshStorage, skipReason } from "../support/storage-engines.js";

const base = { logLevel: "silent", secretKey: "concurrency-key", sdkAppID: 1400000001 };

async function connect(url: string, userId: string) {
  const transport = createConnectTransport({ baseUrl: url, httpVersion: "2", useBinaryFormat: true });
  const userSig = genUserSig({ sdkAppId: base.sdkAppID, secretKey: base.secretKey, userId, expireSeconds: 600, nowMs: Date.now() });
  const { sessionToken } = await createClient(SessionService, transport).login({ userId, userSig });
  const call = { headers: { authorization: `Bearer ${sessionToken}` } };
  return { call, follow: createClient(FollowService, transport), friend: createClient(FriendService, transport), profile: createClient(ProfileService, transport) };
}

for (const engine of ENGINES) {
  const skip = await skipReason(engine);
  describe(`relationships under concurrent calls (${engine})`, { skip: skip ?? false }, () => {
    it("keeps follows, friendships and profiles consistent", async () => {
      const slot = await freshStorage(engine);
      const server = await startServer({ ...base, storage: slot.storage });
      try {
        for (let round = 0; round < 5; round++) {
          const a = await connect(server.url, `a${round}`);
          const b = await connect(server.url, `b${round}`);
          await Promise.all([
            a.follow.followUser({ userIdList: [`b${round}`] }, a.call),
            b.follow.followUser({ userIdList: [`a${round}`] }, b.call),
            a.friend.addFriend({ to: `b${round}`, source: "AddSource_Type_Web", type: FriendAddType.BOTH }, a.call).catch((e: unknown) => e),
            b.friend.addFriend({ to: `a${round}`, source: "AddSource_Type_Web", type: FriendAddType.BOTH }, b.call).catch((e: unknown) => e),
            a.profile.updateMyProfile({ nick: "A", profileCustomField: [] }, a.call),
            a.profile.updateMyProfile({ selfSignature: "S", profileCustomField: [] }, a.call),
          ]);
          const info = await a.follow.getUserFollowInfo({ userIdList: [`a${round}`, `b${round}`] }, a.call);
          for (const i of info.followInfoList) assert.deepEqual([i.followersCount, i.followingCount, i.mutualFollowersCount], [1, 1, 1], `round ${round} ${i.userId}`);
          const mutual = await a.follow.getMutualFollowersList({ nextCursor: "" }, a.call);
          assert.deepEqual(mutual.resultList.map((u) => u.userId), [`b${round}`]);
          const check = await a.friend.checkFriend({ userIdList: [`b${round}`] }, a.call);
          assert.equal(check.successUserIdList[0]?.relation, 4, `round ${round}: friends both ways`);
          assert.equal((await a.friend.getFriendList({}, a.call)).friendList.length, 1);
          const me = await a.profile.getMyProfile({}, a.call);
          assert.deepEqual([me.profile?.nick, me.profile?.selfSignature], ["A", "S"]);
        }
      } finally {
        await server.close();
        await slot.dispose();
      }
    });
  });
}
