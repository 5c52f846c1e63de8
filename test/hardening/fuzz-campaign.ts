// `npm run fuzz`: the fuzz test's generators for longer. Runs FUZZ_SECONDS (default 60) of random and mutated
// requests in batches against a fresh in-process server, checking /healthz after each batch, and prints the counts:
// requests sent, distinct RPCs reached, unacceptable answers (5xx for a client error, no answer) and process faults.
import fc from "fast-check";
import { processFaults } from "../../server/index.js";
import { anyRequest, brokenBodies, credentials, FuzzClient, sendAll, specMethods } from "./fuzz.js";
import { assertAnswers, start } from "./helpers.js";

const seconds = Number(process.env.FUZZ_SECONDS ?? 60);
const seed = Number(process.env.FUZZ_SEED ?? Date.now());
const server = await start({ limits: { loginAttemptsPerUser: { requests: 1e9, windowMs: 1000 }, loginAttemptsPerAddress: { requests: 1e9, windowMs: 1000 } } });
const client = new FuzzClient(server);
const creds = await credentials(server);
const faultsBefore = processFaults();
const rpcs = new Set<string>();
let requests = 0;
let failures = 0;
let healthFailures = 0;
const started = Date.now();

const report = (batch: Awaited<ReturnType<typeof sendAll>>) => {
  for (const { request, outcome } of batch.slice(0, 3)) {
    console.log(`  FAIL ${request.transport} ${request.method} ${request.path} ${JSON.stringify(request.headers)} body=${Buffer.from(request.body).toString("base64")} → ${outcome instanceof Error ? outcome.message : `${outcome.status} ${outcome.body.slice(0, 200)}`}`);
  }
};

const broken = brokenBodies(creds);
for (const r of broken) if (r.rpc) rpcs.add(r.rpc);
const first = await sendAll(client, broken);
requests += broken.length;
failures += first.length;
report(first);
for (let batch = 0; Date.now() - started < seconds * 1000; batch++) {
  const sample = fc.sample(anyRequest(creds), { numRuns: 200, seed: seed + batch });
  for (const r of sample) if (r.rpc) rpcs.add(r.rpc);
  const failed = await sendAll(client, sample);
  requests += sample.length;
  failures += failed.length;
  report(failed);
  try {
    await assertAnswers(server);
  } catch (err) {
    healthFailures++;
    console.log(`  /healthz failed after batch ${batch}: ${(err as Error).message}`);
  }
}
const faults = processFaults();
const crashes = faults.uncaughtExceptions - faultsBefore.uncaughtExceptions + faults.unhandledRejections - faultsBefore.unhandledRejections;
console.log(`fuzz: seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`requests:           ${requests}`);
console.log(`distinct RPCs:      ${rpcs.size} of ${specMethods.length}`);
console.log(`unacceptable:       ${failures}`);
console.log(`health failures:    ${healthFailures}`);
console.log(`crashes:            ${crashes}`);
client.close();
await server.close();
process.exit(failures + healthFailures + crashes === 0 ? 0 : 1);
