// The domains `npm run mutation` measures, found in server/: a folder with a `*-handlers.ts` file serves RPCs, so it
// is a domain. Each domain's mutants are tested with that domain's conformance cases only: by default every case
// of the suite named like the folder (server/messages/ → suites/messages.yaml); CASES below says otherwise where a
// domain's behaviour is pinned down by other suites too.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { SUITES_DIR } from "../conformance/load-suites.js";

export const SERVER_DIR = "server";

/**
 * Globs over suite/case (as `chatwire conformance --filter` takes them) of the cases that pin a domain down, where
 * it is not simply its own suite. Keep each list to what can fail when the domain's code is wrong: every case
 * listed runs for each surviving mutant.
 */
export const CASES: Readonly<Record<string, readonly string[]>> = {
  // The Tencent view (user status) and the Easemob view (presence REST API) of one presence record.
  presence: ["user-status/**", "presence-admin/**"],
  // Login, logout, UserSig expiry, and session liveness: the offline timeout and several devices of one user.
  sessions: ["session/**", "user-status/online-status/**", "user-status/custom-status/**"],
  // Account import, and which users exist: the status queries' and subscriptions' unknown users, and after a
  // restart (nothing remembered in memory).
  accounts: [
    "presence-admin/import-accounts/**",
    "presence-admin/durability/**",
    "user-status/get-user-status/**",
    "user-status/subscribe-user-status/unknown-user-fails-70107",
    "presence-admin/get-presence/unknown-users-left-out",
    "presence-admin/subscribe-presence/unknown-users-left-out",
    "user-status/durability/**",
  ],
  // Groups, their members, and their attributes and counters.
  groups: ["groups/**", "group-members/**", "group-attributes/**", "group-messages/**", "communities/**"],
  // Reactions and extensions of messages (server/interactions/), each with its own suite.
  interactions: ["reactions/**", "extensions/**"],
};

/**
 * Domains not yet brought to the bar, each with why: `npm run mutation` leaves them out (and CI does not gate on
 * them) until their cases kill 80 % of their mutants; measure one with `npm run mutation -- --domain <name>`, then
 * delete its entry and commit its test/mutation/incremental/<name>.json.
 */
export const PENDING: Readonly<Record<string, string>> = {
  groups: "served since issue 10; its first full mutation run (long on the shared 2-core machine) is still to be made",
  translation: "one conformance case so far (merged before mutation testing); its owner adds the cases that pin it down",
  signaling: "cases written with the domain; its first full mutation run (minutes on a shared machine) is still to be made",
  interactions: "cases written with the domain; its first full mutation run (minutes on a shared machine) is still to be made",
  relationships: "new domain (profiles, blacklist, friends, follows): 66 cases; its first full mutation run (long, a developer's) is not made yet",
};

export interface Domain {
  /** The folder's name, e.g. presence. */
  name: string;
  /** The folder, relative to the repository, e.g. server/presence. */
  dir: string;
  /** The files whose mutants are tested, as a glob relative to the repository, e.g. server/presence/**\/*.ts. */
  mutate: string;
  /** The conformance cases that test them (globs over suite/case). */
  cases: readonly string[];
  /** Why the domain is not measured by default (PENDING), if it is not. */
  pending?: string;
}

/** The domains under `root`/server, sorted by name; throws when a domain has no cases to test it with. */
export function discoverDomains(root = "."): Domain[] {
  const serverDir = join(root, SERVER_DIR);
  const problems: string[] = [];
  const domains: Domain[] = [];
  for (const entry of readdirSync(serverDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const files = readdirSync(join(serverDir, entry.name));
    if (!files.some((f) => f.endsWith("-handlers.ts"))) continue;
    const name = entry.name;
    const cases = CASES[name] ?? (existsSync(join(SUITES_DIR, `${name}.yaml`)) ? [`${name}/**`] : undefined);
    if (!cases) {
      problems.push(`${SERVER_DIR}/${name}/ serves RPCs but has no suite ${name}.yaml and no entry in CASES (test/mutation/domains.ts)`);
      continue;
    }
    domains.push({ name, dir: `${SERVER_DIR}/${name}`, mutate: `${SERVER_DIR}/${name}/**/*.ts`, cases, ...(PENDING[name] ? { pending: PENDING[name] } : {}) });
  }
  for (const name of Object.keys(CASES)) {
    if (!domains.some((d) => d.name === name) && !problems.some((p) => p.includes(`/${name}/`))) {
      problems.push(`CASES names ${name}, but ${SERVER_DIR}/${name}/ has no *-handlers.ts`);
    }
  }
  if (problems.length > 0) throw new Error(`mutation domains:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return domains;
}
