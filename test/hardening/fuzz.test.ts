// Property-based fuzzing in `npm test` (issue 6): bounded in count, a few seconds. Every RPC of the spec gets broken
// bodies; then fast-check draws random and mutated requests (RPCs, REST routes, odd paths and headers, HTTP/1.1 and
// h2c) in batches. After each batch the server must answer /healthz and no process fault may have been counted.
// `npm run fuzz` runs the same generators for longer.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import fc from "fast-check";
import { processFaults, type RunningServer } from "../../server/index.js";
import { anyRequest, brokenBodies, credentials, FuzzClient, sendAll, specMethods, type Credentials } from "./fuzz.js";
import { assertAnswers, assertNoFaults, start } from "./helpers.js";

const BATCHES = 4;
const PER_BATCH = 75;
let server: RunningServer;
let client: FuzzClient;
let creds: Credentials;
const faultsBefore = processFaults();
before(async () => {
  // Login limits high: the fuzzer logs in as often as it likes; limits are tested in sessions.test.ts.
  server = await start({ limits: { loginAttemptsPerUser: { requests: 1e6, windowMs: 1000 }, loginAttemptsPerAddress: { requests: 1e6, windowMs: 1000 } } });
  client = new FuzzClient(server);
  creds = await credentials(server);
});
after(async () => {
  client.close();
  await server.close();
});

function describeFailures(failures: Awaited<ReturnType<typeof sendAll>>): string {
  return failures
    .slice(0, 5)
    .map(({ request, outcome }) => `${request.transport} ${request.method} ${request.path} → ${outcome instanceof Error ? outcome.message : `${outcome.status} ${outcome.body.slice(0, 200)}`}`)
    .join("\n");
}

it("answers a truncated binary and an invalid JSON body to every RPC of the spec with a client error", async () => {
  const requests = brokenBodies(creds);
  assert.equal(requests.length, specMethods.length * 4);
  const failures = await sendAll(client, requests);
  assert.deepEqual(failures.length, 0, describeFailures(failures));
  await assertAnswers(server);
  assertNoFaults(faultsBefore);
});

it("survives random and mutated requests without a 5xx, a crash or a hang", async () => {
  for (let batch = 0; batch < BATCHES; batch++) {
    const requests = fc.sample(anyRequest(creds), { numRuns: PER_BATCH, seed: Date.now() + batch });
    const failures = await sendAll(client, requests);
    assert.equal(failures.length, 0, describeFailures(failures));
    await assertAnswers(server);
    assertNoFaults(faultsBefore);
  }
});
