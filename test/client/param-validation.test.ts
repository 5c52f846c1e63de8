// The official parameter check: empty required values, type checks of present values, custom checks, and the
// "one options argument" rule of object schemas.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../../client/logger.js";
import { isEmpty, validateParams } from "../../client/param-validation.js";

const quiet = createLogger(4);
const fails = (fn: () => void) => assert.throws(fn, (err: unknown) => err instanceof Error && err.message === "Params validate failed.");

test("isEmpty follows the official notion", () => {
  for (const value of [undefined, null, 0, "", [], {}, new Map(), new Set(), () => {}]) assert.equal(isEmpty(value), true);
  for (const value of [false, 1, "a", [0], { a: 1 }, new Date(), (x: unknown) => x]) assert.equal(isEmpty(value), false);
});

test("object schemas check the keys of the single options argument", () => {
  const schema = { groupID: { type: "String", required: true }, count: { type: "Number" } };
  validateParams("getGroupMemberList", [{ groupID: "g", count: 10 }], schema, quiet);
  validateParams("getGroupMemberList", [{ groupID: "g" }], schema, quiet);
  fails(() => validateParams("getGroupMemberList", [{ groupID: "" }], schema, quiet));
  fails(() => validateParams("getGroupMemberList", [{ groupID: "g", count: "10" }], schema, quiet));
  fails(() => validateParams("getGroupMemberList", [{ groupID: "g" }, {}], schema, quiet));
  fails(() => validateParams("getGroupMemberList", [], schema, quiet));
});

test("array schemas check positional arguments; async functions pass as functions", () => {
  const schema = [
    { name: "eventName", type: "String", hasCustomValidator: true },
    { name: "handler", type: "Function", hasCustomValidator: true },
  ];
  validateParams("on", ["x", async function handler() {}], schema, quiet);
  fails(() => validateParams("on", ["x"], schema, quiet));
  fails(() => validateParams("on", [1, () => {}], schema, quiet));
});

test("custom checks run even on absent values", () => {
  const schema = { userIDList: { type: "Array", hasCustomValidator: true } };
  fails(() => validateParams("getUserStatus", [{}], schema, quiet));
  validateParams("unsubscribeUserStatus", [], schema, quiet);
  validateParams("unsubscribeUserStatus", [{ userIDList: [] }], schema, quiet);
});

test("methods without a schema are not checked", () => {
  validateParams("logout", [1, 2, 3], null, quiet);
});
