// The namespace matches the official package: same keys, and TYPES/EVENT/TSignaling deep-equal to its runtime.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import TencentCloudChat, { EVENT, TIM, TSignaling, TYPES, TencentCloudChat as Named } from "../../client/index.js";

const official = createRequire(import.meta.url)("@tencentcloud/chat") as {
  TYPES: unknown;
  EVENT: unknown;
  TSignaling: unknown;
  VERSION: string;
  create: unknown;
};

test("TYPES, EVENT and TSignaling deep-equal the official runtime values", () => {
  assert.deepEqual({ ...TencentCloudChat.TYPES }, { ...(official.TYPES as object) });
  assert.deepEqual({ ...TencentCloudChat.EVENT }, { ...(official.EVENT as object) });
  assert.deepEqual({ ...TencentCloudChat.TSignaling }, { ...(official.TSignaling as object) });
  assert.equal(TYPES, TencentCloudChat.TYPES);
  assert.equal(EVENT, TencentCloudChat.EVENT);
  assert.equal(TSignaling, TencentCloudChat.TSignaling);
});

test("the default export has the official namespace's keys and version", () => {
  assert.deepEqual(Object.keys(TencentCloudChat).sort(), Object.keys(official).sort());
  assert.equal(TencentCloudChat.VERSION, official.VERSION);
  assert.equal(typeof TencentCloudChat.create, "function");
  assert.equal(Named, TencentCloudChat);
  assert.equal(TIM, TencentCloudChat);
});
