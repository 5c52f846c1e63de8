// Tests of the suite machinery itself: bad suites are rejected at load, matchers mean what README.md says, known-failing
// lists need a comment per entry, and the runner fails wrong expectations instead of passing them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { judge } from "./run.js";
import { globToRegExp, parseKnownFailing } from "./known-failing.js";
import { parseSuite, SuiteError } from "./load-suites.js";
import { match, resolve, type Names } from "./match.js";
import { rpcDriver } from "./drivers/rpc-driver.js";
import { runCase } from "./runner.js";
import { inProcessTargets } from "./targets.js";

const DESCRIPTION = "A suite used by the harness tests to check what the loader accepts and rejects.";

function suite(cases: string, name = "harness"): string {
  return `name: ${name}\ndescription: ${DESCRIPTION}\ncases:\n${cases}`;
}

function problems(text: string, file = "/x/harness.yaml"): string[] {
  try {
    parseSuite(text, file);
    return [];
  } catch (err) {
    assert.ok(err instanceof SuiteError, String(err));
    return err.problems;
  }
}

describe("load-suites", () => {
  it("accepts a well-formed suite", () => {
    const parsed = parseSuite(
      suite(`  - name: rpc/case-one
    users: [alice]
    steps:
      - { as: alice, call: login }
      - { as: alice/phone, call: getUserStatus, args: { userIDList: [alice] }, expect: { data: { successUserList: { $length: 1 } } } }
      - expectEvent: { to: alice, name: USER_STATUS_UPDATED }
        within: 500
`),
      "/x/harness.yaml",
    );
    assert.equal(parsed.cases[0]!.fullName, "harness/rpc/case-one");
    assert.deepEqual(parsed.cases[0]!.drivers, ["rpc", "facade"]);
    assert.deepEqual(parsed.cases[0]!.steps[1], {
      index: 1,
      note: undefined,
      kind: "call",
      as: { user: "alice", device: "phone" },
      call: "getUserStatus",
      args: { userIDList: ["alice"] },
      argList: undefined,
      save: undefined,
      userSig: undefined,
      repeat: 1,
      expect: { code: 0, data: { successUserList: { $length: 1 } } },
      expectBy: {},
    });
  });

  const rejections: [string, string, RegExp][] = [
    ["a name other than the file's", suite("  - { name: a, users: [alice], steps: [{ as: alice, call: login }] }", "other"), /must equal the file's base name/],
    ["an unknown key", suite("  - { name: a, users: [alice], steps: [{ as: alice, call: login, expct: {} }] }"), /unknown key "expct"/],
    ["an undeclared user", suite("  - { name: a, users: [alice], steps: [{ as: bob, call: login }] }"), /"bob" is not a declared user/],
    ["an unknown method", suite("  - { name: a, users: [alice], steps: [{ as: alice, call: getUserStatuses }] }"), /not an official method/],
    ["an unknown event", suite("  - { name: a, users: [alice], steps: [{ expectEvent: { to: alice, name: STATUS_CHANGED } }] }"), /not a key of TencentCloudChat.EVENT/],
    ["a clock without requiring it", suite("  - { name: a, users: [alice], steps: [{ advanceClock: 10 }] }"), /advanceClock needs/],
    ["server options without requiring them", suite("  - { name: a, users: [alice], server: { presence: { maxSubscriptions: 3 } }, steps: [{ as: alice, call: login }] }"), /needs "requires: \[server-options\]"/],
    ["an unknown presence option", suite("  - { name: a, users: [alice], requires: [server-options], server: { presence: { maxSubs: 3 } }, steps: [{ as: alice, call: login }] }"), /unknown key "maxSubs"/],
    ["a case name that is not a kebab path", suite("  - { name: Bad_Name, users: [alice], steps: [{ as: alice, call: login }] }"), /does not match/],
    ["a duplicate case", suite("  - { name: a, users: [alice], steps: [{ as: alice, call: login }] }\n  - { name: a, users: [alice], steps: [{ as: alice, call: login }] }"), /duplicate case name/],
    ["two step kinds in one step", suite("  - { name: a, users: [alice], steps: [{ as: alice, call: login, vanish: alice }] }"), /exactly one of/],
    ["a $ref to nothing saved", suite("  - { name: a, users: [alice], steps: [{ as: alice, call: sendMessage, args: { $ref: m1 } }] }"), /names no value an earlier step saved/],
    ["args and argList together", suite("  - { name: a, users: [alice], steps: [{ as: alice, call: sendMessage, args: {}, argList: [{}] }] }"), /give args or argList, not both/],
    ["an unknown matcher", suite("  - { name: a, users: [alice], steps: [{ as: alice, call: logout, expect: { data: { x: { $regex: a } } } }] }"), /"\$regex" is not allowed/],
    ["a matcher in args", suite("  - { name: a, users: [alice], steps: [{ as: alice, call: logout, args: { x: { $any: true } } }] }"), /"\$any" is not allowed/],
    ["userSig on another call", suite("  - { name: a, users: [alice], steps: [{ as: alice, call: logout, userSig: { wrongKey: true } }] }"), /only a login call takes userSig/],
    ["data on an error", suite("  - { name: a, users: [alice], steps: [{ as: alice, call: logout, expect: { code: 2024, data: {} } }] }"), /only checked on success/],
    ["an undeclared user in a REST path", suite("  - { name: a, users: [alice], steps: [{ rest: { method: GET, path: '/{org}/{app}/users/{bob}/presence' }, expect: { status: 200 } }] }"), /"bob" is not a declared user/],
    ["an unknown admin method", suite("  - { name: a, users: [alice], steps: [{ admin: AccountAdminService.DeleteAccounts, request: {} }] }"), /not a method of/],
  ];
  for (const [what, text, expected] of rejections) {
    it(`rejects ${what}`, () => {
      const found = problems(text);
      assert.ok(found.some((p) => expected.test(p)), `expected a problem matching ${expected}, got ${JSON.stringify(found)}`);
    });
  }

  it("requires a descriptive paragraph", () => {
    assert.ok(problems("name: harness\ndescription: short\ncases: []").some((p) => /paragraph/.test(p)));
  });
});

describe("match", () => {
  it("matches mappings partially and lists item by item", () => {
    assert.deepEqual(match({ a: 1 }, { a: 1, b: 2 }), []);
    assert.equal(match([{ a: 1 }], [{ a: 1 }, { a: 2 }]).length, 1);
    assert.equal(match({ a: "1" }, { a: 1 }).length, 1);
    assert.equal(match({ a: 1 }, {}).length, 1);
  });

  it("applies matchers", () => {
    assert.deepEqual(match({ a: { $any: true } }, { a: 0 }), []);
    assert.deepEqual(match({ a: { $absent: true } }, {}), []);
    assert.equal(match({ a: { $absent: true } }, { a: 1 }).length, 1);
    assert.deepEqual(match({ $length: 2 }, [1, 2]), []);
    assert.deepEqual(match({ $in: [2, 3] }, 3), []);
    assert.equal(match({ $in: [2, 3] }, 1).length, 1);
    assert.deepEqual(match({ a: { $in: [{ $absent: true }, "0"] } }, {}), []);
    assert.deepEqual(match({ a: { $in: [{ $absent: true }, "0"] } }, { a: "0" }), []);
    assert.equal(match({ a: { $in: [{ $absent: true }, "0"] } }, { a: "1" }).length, 1);
    assert.equal(match({ a: { $length: 0 } }, {}).length, 1);
    assert.deepEqual(match({ $type: "string" }, "7"), []);
    assert.deepEqual(match({ $contains: [{ id: "b" }] }, [{ id: "a" }, { id: "b" }]), []);
    assert.deepEqual(match({ $unordered: ["b", "a"] }, ["a", "b"]), []);
    assert.equal(match({ $unordered: ["a"] }, ["a", "b"]).length, 1);
    assert.deepEqual(match({ $exact: { a: "1" } }, { a: "1" }), []);
    assert.equal(match({ $exact: { a: "1" } }, { a: "1", b: "0" }).length, 1);
    assert.equal(match({ $exact: {} }, { a: "1" }).length, 1);
    assert.deepEqual(match({ $exact: {} }, {}), []);
    assert.equal(match({ $exact: { a: "1" } }, { a: "2" }).length, 1);
    assert.deepEqual(match({ $match: "^web_[0-9a-f]+$" }, "web_3f2a"), []);
    assert.equal(match({ $match: "^.+$" }, "").length, 1);
    assert.equal(match({ $match: "^.+$" }, 7).length, 1);
  });

  it("resolves user names, literals and generators", () => {
    const names: Names = {
      users: new Map([["alice", "alice_x"]]),
      generated: (id) => `${id}_x`,
      literals: new Map([["{app}", "1400000000"]]),
    };
    assert.deepEqual(resolve({ u: ["alice", "bob"], app: "{app}", ids: { $ids: { prefix: "g", count: 2 } }, t: { $text: { repeat: "ab", count: 2 } } }, names), {
      u: ["alice_x", "bob"],
      app: "1400000000",
      ids: ["g1_x", "g2_x"],
      t: "abab",
    });
  });
});

describe("known-failing", () => {
  it("needs a comment above each entry", () => {
    assert.throws(() => parseKnownFailing("user-status/a\n", "rpc.txt"), /no comment above it/);
    const list = parseKnownFailing("# the server forgets X\nuser-status/set-self-status/*\n\n# Y\nsession/**\n", "rpc.txt");
    assert.equal(list.find("user-status/set-self-status/clear")?.reason, "the server forgets X");
    assert.equal(list.find("user-status/set-self-status/a/b"), undefined);
    assert.equal(list.find("session/login/expired-sig")?.reason, "Y");
  });

  it("globs: * within a segment, ** across", () => {
    assert.ok(globToRegExp("rpc/*/a").test("rpc/x/a"));
    assert.ok(!globToRegExp("rpc/*/a").test("rpc/x/y/a"));
    assert.ok(globToRegExp("**/a").test("rpc/x/y/a"));
  });

  it("fails the run when a listed case passes", () => {
    const testCase = parseSuite(suite("  - { name: a, users: [alice], steps: [{ as: alice, call: login }] }"), "/x/harness.yaml").cases[0]!;
    const list = parseKnownFailing("# broken\nharness/a\n", "rpc.txt");
    assert.equal(judge({ fullName: "rpc/harness/a", status: "passed", durationMs: 1 }, testCase, list).verdict, "unexpected-pass");
    assert.equal(judge({ fullName: "rpc/harness/a", status: "failed", durationMs: 1 }, testCase, list).verdict, "known-failing");
    assert.equal(judge({ fullName: "rpc/harness/a", status: "failed", durationMs: 1 }, testCase, parseKnownFailing("", "rpc.txt")).verdict, "fail");
  });
});

describe("runner", () => {
  const cases = parseSuite(
    suite(`  - name: wrong-code
    users: [alice]
    steps:
      - { as: alice, call: login }
      - { as: alice, call: getUserStatus, args: { userIDList: [alice] }, expect: { code: 2996 } }
  - name: wrong-data
    users: [alice]
    steps:
      - { as: alice, call: login }
      - { as: alice, call: getUserStatus, args: { userIDList: [alice] }, expect: { data: { successUserList: [{ statusType: 2 }] } } }
  - name: unwanted-event
    users: [alice, bob]
    steps:
      - { as: bob, call: login }
      - { as: alice, call: login }
      - { as: alice, call: subscribeUserStatus, args: { userIDList: [bob] } }
      - { as: bob, call: setSelfStatus, args: { customStatus: x } }
      - expectNoEvent: { to: alice, name: USER_STATUS_UPDATED, data: [{ userID: bob }] }
  - name: missing-event
    users: [alice, bob]
    steps:
      - { as: bob, call: login }
      - { as: alice, call: login }
      - { as: bob, call: setSelfStatus, args: { customStatus: x } }
      - expectEvent: { to: alice, name: USER_STATUS_UPDATED, data: [{ userID: bob }] }
        within: 200
  - name: needs-clock
    requires: [manual-clock]
    users: [alice]
    steps:
      - advanceClock: 1
`),
    "/x/harness.yaml",
  ).cases;
  for (const testCase of cases.filter((c) => c.name !== "needs-clock")) {
    it(`fails a case with a ${testCase.name}`, async () => {
      const result = await runCase(testCase, rpcDriver, inProcessTargets());
      assert.equal(result.status, "failed", result.trace);
      assert.match(result.reason ?? "", /^step #\d/);
      assert.ok((result.trace ?? "").includes("fail"), "the trace ends with the failure");
    });
  }

  it("skips a case whose requirement the target lacks", async () => {
    const remoteLike = { ...inProcessTargets(), description: "a URL", capabilities: new Set<never>() };
    const result = await runCase(cases.find((c) => c.name === "needs-clock")!, rpcDriver, remoteLike);
    assert.equal(result.status, "skipped");
    assert.match(result.reason ?? "", /manual-clock/);
  });
});
