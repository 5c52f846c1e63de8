// Custom profile (`Tag_Profile_Custom*`) and friend (`Tag_SNS_Custom_*`) fields: only keys the operator declared,
// each once, values at most 500 bytes; merged over the stored ones, an empty value removing a field.
import { chatError } from "../rpc/chat-error.js";

export interface CustomField {
  key: string;
  value: string;
}

/** The longest custom value, in bytes (Tencent's limit for a custom string field). */
const MAX_CUSTOM_VALUE_BYTES = 500;

/** Returns the fields as plain objects, or throws `code` naming the first bad one. */
export function checkCustomFields(fields: readonly CustomField[], prefix: string, declared: ReadonlySet<string>, code: number): CustomField[] {
  const seen = new Set<string>();
  for (const { key, value } of fields) {
    const shown = JSON.stringify(key.slice(0, 64));
    if (!key.startsWith(prefix)) throw chatError(code, `custom field key ${shown} must start with ${prefix}`);
    if (!declared.has(key)) throw chatError(code, `custom field ${shown} is not declared by the application`);
    if (Buffer.byteLength(value) > MAX_CUSTOM_VALUE_BYTES) throw chatError(code, `custom field ${shown} is over ${MAX_CUSTOM_VALUE_BYTES} bytes`);
    if (seen.has(key)) throw chatError(code, `custom field ${shown} given twice`);
    seen.add(key);
  }
  return fields.map(({ key, value }) => ({ key, value }));
}

/** The stored fields with `changes` applied; an empty value removes a field. */
export function mergeCustomFields(stored: readonly CustomField[], changes: readonly CustomField[]): CustomField[] {
  const fields = new Map(stored.map((f) => [f.key, f.value]));
  for (const f of changes) fields.set(f.key, f.value);
  return [...fields].filter(([, value]) => value !== "").map(([key, value]) => ({ key, value }));
}
