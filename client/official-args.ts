// Official methods take an options object, positional values (`dismissGroup(groupID)`), or both
// (`sendMessage(message, options)`). The RPC runtime folds the arguments into one official options object using
// the declared parameter names: an `options` argument contributes its keys, any other argument becomes the key of
// its name.
import { officialMethods } from "./official-methods.js";
import type { OfficialObject } from "./official-shape.js";

function isObject(value: unknown): value is OfficialObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Returns the official options object the arguments of method `name` amount to. */
export function optionsFromArgs(name: string, args: readonly unknown[]): OfficialObject {
  const params = (officialMethods as Readonly<Record<string, { params: readonly string[] }>>)[name]?.params ?? ["options"];
  if (params.length === 0) return isObject(args[0]) ? { ...args[0] } : {};
  const options: OfficialObject = {};
  params.forEach((param, i) => {
    const arg = args[i];
    if (arg === undefined) return;
    if (param === "options" && isObject(arg)) Object.assign(options, arg);
    else options[param] = arg;
  });
  return options;
}
