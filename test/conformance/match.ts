// Values in cases: resolving them for one run (user names → real IDs, `$ids` → lists) and matching expectations.
//
// Matching is partial: an expected mapping checks only its keys; an expected list needs the same length and
// matches item by item in order; scalars must be equal (1 is not "1"). Matchers, each the only key of a mapping:
//   {$any: true}        the key is present (any value)        {$absent: true}   the key is absent
//   {$length: n}        a list (or string) of n items          {$type: string}   string|number|boolean|object|array
//   {$in: [a, b]}       matches one of the values (only where the spec allows either); {$absent: true} may be one
//   {$contains: [..]}   a list holding a match of each item, in any order, among others
//   {$unordered: [..]}  a list of exactly these items, in any order
//   {$exact: {..}}      a mapping with exactly these keys (e.g. a map that must hold nothing else: {$exact: {}})
//   {$match: "re"}      a string the regular expression matches (anchor it: "^web_[0-9a-f]+$")

type Obj = Record<string, unknown>;

/** How a run names things: the real ID of each declared user, and of generated IDs. */
export interface Names {
  /** Declared user name → real user ID. */
  users: ReadonlyMap<string, string>;
  /** A generated ID's real form (identity in process; namespaced on a shared server). */
  generated(id: string): string;
  /** Whole strings that stand for a server value: "{org}" and "{app}". */
  literals: ReadonlyMap<string, string>;
  /** Values earlier steps saved (`save:`), for `$ref`. */
  refs?: ReadonlyMap<string, unknown>;
  /** The index of the current repetition of a repeated step (`#` in a `$ref` path). */
  iteration?: number;
}

/** The value `$ref: name.path` names; throws when nothing was saved under the name or the path leads nowhere. */
export function lookupRef(ref: string, names: Names): unknown {
  const [name, ...path] = ref.split(".");
  if (!names.refs?.has(name!)) throw new Error(`$ref ${ref}: no step saved "${name}"`);
  let value = names.refs.get(name!);
  for (const segment of path) {
    const key = segment === "#" ? String(names.iteration ?? 0) : segment;
    if (typeof value !== "object" || value === null || !(key in value)) throw new Error(`$ref ${ref}: no "${key}" in ${show(value, 200)}`);
    value = (value as Obj)[key];
  }
  return value;
}

/** Replaces declared user names by real IDs, "{org}" and "{app}" by their values, and expands generators. */
export function resolve(value: unknown, names: Names): unknown {
  if (typeof value === "string") return names.users.get(value) ?? names.literals.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => resolve(v, names));
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Obj;
  if ("$ids" in obj) {
    const { prefix, count } = obj.$ids as { prefix: string; count: number };
    return Array.from({ length: count }, (_, i) => names.generated(`${prefix}${i + 1}`));
  }
  if ("$ref" in obj) return lookupRef(obj.$ref as string, names);
  if ("$text" in obj) {
    const { repeat, count } = obj.$text as { repeat: string; count: number };
    return repeat.repeat(count);
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolve(v, names)]));
}

/** Replaces `{org}`, `{app}` and `{user}` in a REST path. */
export function resolvePath(path: string, names: Names): string {
  return path.replace(/\{([^}]*)\}/g, (whole, name: string) => encodeURIComponent(names.users.get(name) ?? names.literals.get(whole) ?? name));
}

/** Returns the mismatches of `actual` against `expected`, each with its path; empty when it matches. */
export function match(expected: unknown, actual: unknown, path = "data"): string[] {
  if (isOperator(expected)) return matchOperator(expected, actual, path);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected a list, got ${show(actual)}`];
    if (actual.length !== expected.length) return [`${path}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`];
    return expected.flatMap((e, i) => match(e, actual[i], `${path}[${i}]`));
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return [`${path}: expected a mapping, got ${show(actual)}`];
    return Object.entries(expected as Obj).flatMap(([k, e]) => {
      const a = (actual as Obj)[k];
      if (a === undefined && !isOperator(e)) return [`${path}.${k}: missing (expected ${show(e)})`];
      return match(e, a, `${path}.${k}`);
    });
  }
  if (typeof actual === "bigint" && typeof expected === "number" && actual === BigInt(expected)) return [];
  return Object.is(expected, actual) || expected === actual ? [] : [`${path}: expected ${show(expected)}, got ${show(actual)}`];
}

function isOperator(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && Object.keys(value)[0]!.startsWith("$");
}

function matchOperator(op: Obj, actual: unknown, path: string): string[] {
  const [name, arg] = Object.entries(op)[0]!;
  switch (name) {
    case "$any":
      return actual === undefined ? [`${path}: missing`] : [];
    case "$absent":
      return actual === undefined ? [] : [`${path}: expected absent, got ${show(actual)}`];
    case "$length": {
      const length = Array.isArray(actual) || typeof actual === "string" ? actual.length : undefined;
      return length === arg ? [] : [`${path}: expected length ${String(arg)}, got ${length === undefined ? show(actual) : length}`];
    }
    case "$type": {
      const type = Array.isArray(actual) ? "array" : actual === null ? "null" : typeof actual;
      return type === arg ? [] : [`${path}: expected a ${String(arg)}, got ${show(actual)}`];
    }
    case "$in":
      return (arg as unknown[]).some((e) => match(e, actual, path).length === 0) ? [] : [`${path}: expected one of ${show(arg)}, got ${show(actual)}`];
    case "$contains":
    case "$unordered": {
      if (!Array.isArray(actual)) return [`${path}: expected a list, got ${show(actual)}`];
      const wanted = arg as unknown[];
      if (name === "$unordered" && actual.length !== wanted.length) return [`${path}: expected ${wanted.length} items, got ${actual.length}: ${show(actual)}`];
      const used = new Set<number>();
      const missing: string[] = [];
      for (const e of wanted) {
        const i = actual.findIndex((a, j) => !used.has(j) && match(e, a, path).length === 0);
        if (i < 0) missing.push(`${path}: no item matches ${show(e)} in ${show(actual)}`);
        else used.add(i);
      }
      return missing;
    }
    case "$match":
      return typeof actual === "string" && new RegExp(arg as string).test(actual) ? [] : [`${path}: expected a string matching /${String(arg)}/, got ${show(actual)}`];
    case "$exact": {
      if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return [`${path}: expected a mapping, got ${show(actual)}`];
      const expected = arg as Obj;
      const extra = Object.keys(actual).filter((k) => (actual as Obj)[k] !== undefined && !(k in expected));
      return [...extra.map((k) => `${path}.${k}: unexpected key (value ${show((actual as Obj)[k])})`), ...match(expected, actual, path)];
    }
    default:
      return [`${path}: unknown matcher ${name}`];
  }
}

/** Compact JSON for messages and traces (bigints as numbers, long lists shortened). */
export function show(value: unknown, max = 400): string {
  let text: string;
  try {
    text = JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? Number(v) : v)) ?? "undefined";
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}
