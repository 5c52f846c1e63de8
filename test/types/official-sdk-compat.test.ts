// Type compatibility with the official SDK: an app typed against @tencentcloud/chat's index.d.ts must compile when
// it gets a Chatwire facade instead. The assignments below are checked by `npm run typecheck` (part of npm test);
// the runtime test checks that the same instance really has every declared method.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import type OfficialTencentCloudChat from "@tencentcloud/chat";
import type { ChatSDK } from "@tencentcloud/chat";
import TencentCloudChat, { TIM } from "../../client/index.js";

const chat = TencentCloudChat.create({ SDKAppID: 1400000000, baseUrl: "http://127.0.0.1:1", instanceID: "types" });
// Compile-time: the facade instance is assignable to the official ChatSDK type…
const typed: ChatSDK = chat!;
// …and create() to the official create(), without casts: code typed against the official package compiles as is.
export const officialCreate: typeof OfficialTencentCloudChat.default.create = TencentCloudChat.create;
export function createAsTheOfficialDocsDo(): ChatSDK {
  return TencentCloudChat.create({ SDKAppID: 1400000000 });
}

describe("official type compatibility", () => {
  it("has every method the official index.d.ts declares on ChatSDK", () => {
    const dts = readFileSync(createRequire(import.meta.url).resolve("@tencentcloud/chat/index.d.ts"), "utf8");
    const body = dts.slice(dts.indexOf("export declare class ChatSDK"));
    const classBody = body.slice(0, body.indexOf("\n}\n"));
    const declared = [...classBody.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]!);
    assert.ok(declared.length >= 148, `parsed ${declared.length} declared methods`);
    for (const name of declared) assert.equal(typeof (typed as unknown as Record<string, unknown>)[name], "function", name);
    assert.equal(TIM, TencentCloudChat);
  });
});
