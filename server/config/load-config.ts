// Reads the settings from their four layers (defaults, config file, environment, flags), checks every value, and
// returns them typed, each with where it came from.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ConfigError, PASS_THROUGH_SECTIONS, SETTINGS, camelFromSnake, envName, parseValue, type Setting } from "./settings.js";

/** The settings of a run, checked. Nested sections (presence, limits, uploads) are objects. */
export interface Config {
  values: Record<string, unknown>;
  /** Where each set key came from: "chatwire.yaml", "CHATWIRE_PORT", "--port". */
  sources: Record<string, string>;
  /** The config file read, if any. */
  file: string | undefined;
}

export interface ConfigInput {
  /** The config file (YAML or JSON), from --config or CHATWIRE_CONFIG. */
  file?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Flag values by setting key (e.g. { port: "8080" }), as strings. */
  flags?: Readonly<Record<string, string | undefined>>;
  /** --set key=value pairs, in order. */
  sets?: readonly string[];
}

const byKey = new Map(SETTINGS.map((s) => [s.key, s]));
const SECTIONS = new Set([...SETTINGS.filter((s) => s.key.includes(".")).map((s) => s.key.split(".")[0]!), ...PASS_THROUGH_SECTIONS]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A pass-through value: numbers, booleans and strings as they are; strings that read as numbers or booleans become them. */
function passThroughValue(key: string, value: unknown, source: string): unknown {
  if (typeof value === "string") {
    if (/^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
    if (value === "true" || value === "false") return value === "true";
    return value;
  }
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, passThroughValue(`${key}.${k}`, v, source)]));
  throw new ConfigError(`invalid ${key} ${JSON.stringify(value)} (from ${source}): expected a number, a boolean, a string or a section`);
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

function suggest(key: string): string {
  const known = [...byKey.keys(), ...SECTIONS];
  const ranked = known.map((k) => ({ k, d: distance(k.toLowerCase(), key.toLowerCase()) })).sort((a, b) => a.d - b.d);
  if (ranked[0] && ranked[0].d <= 3) return ` (did you mean ${ranked[0].k}?)`;
  const section = key.split(".")[0]!;
  const inSection = [...byKey.keys()].filter((k) => k.startsWith(`${section}.`));
  return ` (known: ${(inSection.length > 0 ? inSection : [...byKey.keys()].filter((k) => !k.includes(".")).concat([...SECTIONS])).join(", ")})`;
}

export function loadConfig(input: ConfigInput): Config {
  const values: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  const set = (key: string, value: unknown, source: string) => {
    const setting = byKey.get(key);
    const [section, ...rest] = key.split(".");
    if (setting) values[key] = parseValue(setting, value, source);
    else if ((PASS_THROUGH_SECTIONS as readonly string[]).includes(section!) && rest.length > 0) values[key] = passThroughValue(key, value, source);
    else throw new ConfigError(`unknown setting ${key} (from ${source})${suggest(key)}`);
    sources[key] = source;
  };

  if (input.file) {
    let text: string;
    try {
      text = readFileSync(input.file, "utf8");
    } catch (err) {
      throw new ConfigError(`cannot read the config file ${input.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new ConfigError(`${input.file} is not valid YAML or JSON: ${String((err as Error).message).split("\n")[0]}`);
    }
    if (doc !== null && doc !== undefined && !isObject(doc)) throw new ConfigError(`${input.file} must hold a mapping of settings`);
    const walk = (node: Record<string, unknown>, prefix: string) => {
      for (const [k, v] of Object.entries(node)) {
        const key = prefix ? `${prefix}.${k}` : k;
        if (!prefix && SECTIONS.has(k)) {
          if (!isObject(v)) throw new ConfigError(`${k} in ${input.file} must be a section (a mapping)`);
          walk(v, k);
        } else set(key, v, input.file!);
      }
    };
    walk((doc ?? {}) as Record<string, unknown>, "");
  }

  for (const setting of SETTINGS) {
    for (const name of [...(setting.envAliases ?? []), envName(setting.key)]) {
      const value = input.env[name];
      if (value !== undefined && value !== "") set(setting.key, value, name);
    }
  }
  for (const section of PASS_THROUGH_SECTIONS) {
    const prefix = `${envName(section)}_`;
    for (const [name, value] of Object.entries(input.env)) {
      if (name.startsWith(prefix) && value !== undefined && value !== "") set(`${section}.${camelFromSnake(name.slice(prefix.length))}`, value, name);
    }
  }

  for (const [key, value] of Object.entries(input.flags ?? {})) {
    if (value !== undefined) set(key, value, byKey.get(key)?.flag ?? `--${key}`);
  }
  for (const pair of input.sets ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new ConfigError(`--set ${pair}: expected key=value, e.g. --set presence.offlineTimeoutMs=60000`);
    set(pair.slice(0, eq).trim(), pair.slice(eq + 1), `--set ${pair.slice(0, eq).trim()}`);
  }
  return { values, sources, file: input.file };
}

/** The value of a key, or undefined. */
export function valueOf<T>(config: Config, key: string): T | undefined {
  return config.values[key] as T | undefined;
}

/** The nested section of dotted keys (presence.offlineTimeoutMs → { offlineTimeoutMs }), or undefined when empty. */
export function sectionOf(config: Config, section: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config.values)) {
    if (!key.startsWith(`${section}.`)) continue;
    const path = key.slice(section.length + 1).split(".");
    let node = out;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export type { Setting };
