// The official SDK's parameter check, run after the ready check: each rule fails on an empty required value, on a
// present value of another type, or on its custom check; any failure throws `Error("Params validate failed.")`
// synchronously. An object schema checks the keys of the single options argument (with any other argument count
// every key is undefined); an array schema checks positional arguments.
import type { Logger } from "./logger.js";
import type { ParamRule, ParamSchema } from "./official-methods.js";
import { customValidators } from "./param-validators.js";

/** The official SDK's notion of empty: null, undefined, 0, "", [], a parameterless function, an empty plain object, Map or Set. */
export function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  switch (typeof value) {
    case "boolean":
      return false;
    case "number":
      return value === 0;
    case "string":
      return value.length === 0;
    case "function":
      return value.length === 0;
  }
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Error) return value.message === "";
  if (value instanceof Map || value instanceof Set) return value.size === 0;
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto === null || proto === Object.prototype) return Object.keys(value).length === 0;
  }
  return false;
}

function typeOf(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1).toLowerCase();
}

function checkParam(api: string, key: string, value: unknown, rule: ParamRule, logger: Logger): boolean {
  let ok = true;
  if (rule.required && isEmpty(value)) {
    logger.error(`[${api}] Missing required params: "${key}".`);
    ok = false;
  }
  const expected = rule.type.toLowerCase();
  const actual = typeOf(value);
  if (!isEmpty(value) && actual !== expected && !(actual === "asyncfunction" && expected === "function")) {
    logger.error(`[${api}] Invalid params: type check failed for "${key}". Expected ${rule.type}.`);
    ok = false;
  }
  const custom = customValidators[api]?.[key];
  if (custom && !custom(value)) {
    logger.error(`[${api}] Invalid params: custom validator check failed for "${key}".`);
    ok = false;
  }
  return ok;
}

/** Throws `Error("Params validate failed.")` when `args` break the official schema of `api`. */
export function validateParams(api: string, args: readonly unknown[], schema: ParamSchema | null, logger: Logger): void {
  if (!schema) return;
  let ok = true;
  if (Array.isArray(schema)) {
    (schema as readonly ParamRule[]).forEach((rule, i) => {
      ok = checkParam(api, rule.name ?? String(i), args[i], rule, logger) && ok;
    });
  } else {
    const options = args.length === 1 ? (args[0] as Record<string, unknown> | null | undefined) : undefined;
    for (const [key, rule] of Object.entries(schema as Readonly<Record<string, ParamRule>>)) {
      ok = checkParam(api, key, options?.[key], rule, logger) && ok;
    }
  }
  if (!ok) throw new Error("Params validate failed.");
}
