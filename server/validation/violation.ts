// The result of a failed request check; the generated validators return one, the interceptor turns it into an error.

/** A broken limit: the field, the official code and a message for the caller. */
export interface Violation {
  readonly field: string;
  readonly code: number;
  readonly message: string;
}

const encoder = new TextEncoder();

/** The UTF-8 byte length of a string, which is what the documented byte limits count. */
export function utf8Length(value: string): number {
  // ASCII fast path: most IDs are ASCII and need no encoding.
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(value) ? value.length : encoder.encode(value).length;
}

/**
 * Whether a user-chosen string cannot be a key of a protobuf map: protobuf-es (the facade's and this server's
 * runtime) keeps maps as plain objects, so decoding a `__proto__` key drops it. Strings that end up as map keys
 * (a presence resource, a device ID) are refused instead of being silently lost.
 */
export function isReservedMapKey(value: string): boolean {
  return value === "__proto__";
}
