// `npm run bench -- follow-paging`: paging the followers of a user with 100,000 followers — each page of 500 must
// cost the same wherever it sits in the list (keyset cursors on the follow_followers index). The follows are written
// straight into a SQLite file (as FollowUser would store them, counters included), then a server in its own process
// serves GetMyFollowersList page by page to the end.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { FollowService } from "../gen/chatwire/v1/follow_pb.js";
import { SessionService } from "../gen/chatwire/v1/session_pb.js";
import { genUserSig } from "../server/auth/user-sig.js";
import { openDatabase } from "../server/storage/open-storage.js";
import { BENCH_SDK_APP_ID, BENCH_SECRET_KEY, percentile, startBenchServer } from "./server-harness.js";

const FOLLOWERS = Number(process.env.BENCH_FOLLOWERS ?? 100_000);

/** Writes FOLLOWERS users following "star", one second apart, with star's counters. */
export async function seedFollowers(path: string, followers: number): Promise<void> {
  const db = await openDatabase(path);
  const start = Date.now() - followers * 1000;
  await db.transact((trx) => trx.insertInto("account").values({ user_id: "star", create_time: 0 }).execute());
  for (let from = 0; from < followers; from += 5000) {
    const ids = Array.from({ length: Math.min(5000, followers - from) }, (_, i) => from + i);
    await db.transact(async (trx) => {
      for (let at = 0; at < ids.length; at += 500) {
        const chunk = ids.slice(at, at + 500);
        await trx.insertInto("account").values(chunk.map((n) => ({ user_id: `fan${n}`, create_time: 0 }))).execute();
        await trx.insertInto("follow").values(chunk.map((n) => ({ follower_id: `fan${n}`, followee_id: "star", time: start + n * 1000, mutual: 0 }))).execute();
        await trx.insertInto("follow_count").values(chunk.map((n) => ({ user_id: `fan${n}`, following: 1, followers: 0, mutual: 0 }))).execute();
      }
    });
  }
  await db.transact((trx) => trx.insertInto("follow_count").values({ user_id: "star", following: 0, followers, mutual: 0 }).execute());
  await db.close();
}

export async function benchFollowPaging(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "chatwire-bench-follow-"));
  const path = join(dir, "follow.db");
  await seedFollowers(path, FOLLOWERS);
  const server = await startBenchServer({ BENCH_STORAGE: path });
  try {
    const transport = createConnectTransport({ baseUrl: server.url, httpVersion: "2", useBinaryFormat: true });
    const login = await createClient(SessionService, transport).login({
      userId: "star",
      userSig: genUserSig({ sdkAppId: BENCH_SDK_APP_ID, secretKey: BENCH_SECRET_KEY, userId: "star", expireSeconds: 86400, nowMs: Date.now() }),
    });
    const call = { headers: { authorization: `Bearer ${login.sessionToken}` } };
    const follow = createClient(FollowService, transport);
    // One walk to warm the server (JIT, statement cache, page cache), then the measured walk.
    let pages: number[] = [];
    let seen = 0;
    for (let walk = 0; walk < 2; walk++) {
      pages = [];
      seen = 0;
      let cursor = "";
      do {
        const started = process.hrtime.bigint();
        const page = await follow.getMyFollowersList({ nextCursor: cursor }, call);
        pages.push(Number(process.hrtime.bigint() - started) / 1e6);
        seen += page.resultList.length;
        cursor = page.nextCursor;
      } while (cursor !== "");
    }
    const info = await follow.getUserFollowInfo({ userIdList: [] }, call);
    const first = pages.slice(0, 20).sort((a, b) => a - b);
    const last = pages.slice(-20).sort((a, b) => a - b);
    const all = [...pages].sort((a, b) => a - b);
    console.log(`\nbench: followers list of a user with ${FOLLOWERS} followers, ${pages.length} pages of 500, SQLite`);
    console.log(`listed ${seen} followers; getUserFollowInfo followersCount ${info.followInfoList[0]?.followersCount}`);
    console.log(`GetMyFollowersList per page: p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms`);
    console.log(`first 20 pages p50 ${percentile(first, 50).toFixed(1)} ms; last 20 pages p50 ${percentile(last, 50).toFixed(1)} ms`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchFollowPaging();
  process.exit(0);
}
