// Known-failing lists, one per driver (known-failing/<driver>.txt): globs over `suite/case`, each under a comment
// saying why it fails. A listed case that fails is reported but does not fail the run; a listed case that passes
// does, so the list shrinks as bugs get fixed. An entry without a comment, or one that matches no case, is rejected.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DriverName } from "./schema.js";

export const KNOWN_FAILING_DIR = join(dirname(fileURLToPath(import.meta.url)), "known-failing");

export interface KnownFailingEntry {
  pattern: string;
  /** The comment above the entry: why the case fails. */
  reason: string;
  line: number;
}

export interface KnownFailing {
  file: string;
  entries: KnownFailingEntry[];
  /** The entry listing `suite/case`, if any. */
  find(suiteAndCase: string): KnownFailingEntry | undefined;
}

/** `*` matches within a path segment, `**` across segments. */
export function globToRegExp(glob: string): RegExp {
  const source = glob
    .split(/(\*\*|\*)/)
    .map((part) => (part === "**" ? ".*" : part === "*" ? "[^/]*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

export function parseKnownFailing(text: string, file: string): KnownFailing {
  const entries: KnownFailingEntry[] = [];
  const problems: string[] = [];
  let comment: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") comment = [];
    else if (line.startsWith("#")) comment.push(line.replace(/^#\s?/, ""));
    else if (comment.length === 0) problems.push(`${file}:${i + 1}: "${line}" has no comment above it saying why it fails`);
    else if (!/^[a-z0-9*/-]+$/.test(line)) problems.push(`${file}:${i + 1}: "${line}" is not a suite/case glob`);
    else entries.push({ pattern: line, reason: comment.join(" "), line: i + 1 });
  });
  if (problems.length > 0) throw new Error(`invalid known-failing list:\n${problems.join("\n")}`);
  const compiled = entries.map((e) => ({ entry: e, regex: globToRegExp(e.pattern) }));
  return { file, entries, find: (name) => compiled.find((c) => c.regex.test(name))?.entry };
}

export function loadKnownFailing(driver: DriverName, dir = KNOWN_FAILING_DIR): KnownFailing {
  const file = join(dir, `${driver}.txt`);
  return parseKnownFailing(existsSync(file) ? readFileSync(file, "utf8") : "", file);
}

/** Entries that match none of the given `suite/case` names (stale or misspelt). */
export function unusedEntries(list: KnownFailing, names: readonly string[]): KnownFailingEntry[] {
  return list.entries.filter((e) => !names.some((n) => globToRegExp(e.pattern).test(n)));
}
