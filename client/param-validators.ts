// The custom checks the official validator table attaches to parameters (`hasCustomValidator` in methods.json),
// for the methods the facade implements, as @tencentcloud/chat 3.6.6 runs them. They run whatever the value,
// even undefined. Methods without an entry here get the type and required checks only.

/** A custom check of one parameter; false fails validation. */
export type CustomValidator = (value: unknown) => boolean;

const nonEmptyString: CustomValidator = (value) => typeof value === "string" && value.length > 0;
const isFunction: CustomValidator = (value) => typeof value === "function";
const isString: CustomValidator = (value) => typeof value === "string";
const nonEmptyArray: CustomValidator = (value) => Array.isArray(value) && value.length > 0;
const absentOrArray: CustomValidator = (value) => !value || Array.isArray(value);

const listener = { eventName: nonEmptyString, handler: isFunction };

/** Method name → parameter name (option key, or positional name) → check. */
export const customValidators: Readonly<Record<string, Readonly<Record<string, CustomValidator>>>> = {
  on: listener,
  once: listener,
  off: listener,
  addSignalingListener: listener,
  removeSignalingListener: listener,
  setSelfStatus: { customStatus: isString },
  getUserStatus: { userIDList: nonEmptyArray },
  subscribeUserStatus: { userIDList: nonEmptyArray },
  unsubscribeUserStatus: { userIDList: absentOrArray },
};
