// Turns a streamed Event into the official event it raises: the variant's key from the generated eventVariants
// table names the EVENT (or TSignaling) value; the data is the variant's official shape, or an adapter's.
import { EventSchema, type Event } from "../gen/chatwire/v1/event_pb.js";
import { eventAdapters } from "./adapters/registry.js";
import { EVENT, TSignaling } from "./generated/constants.js";
import { eventVariants } from "./generated/methods.js";
import { toOfficial } from "./official-shape.js";

/** An official event ready to emit. */
export interface OfficialEvent {
  /** The Event oneof case, e.g. "kickedOut". */
  variant: string;
  /** The official event name, e.g. "kickedOut" (EVENT.KICKED_OUT). */
  name: string;
  /** Whether the name is a TSignaling event (signaling listeners) rather than an EVENT one. */
  signaling: boolean;
  data: unknown;
}

const eventNames = EVENT as Readonly<Record<string, string>>;
const signalingNames = TSignaling as Readonly<Record<string, string | number>>;

/** Returns the official event `event` raises; undefined for a variant this client does not know. */
export function toOfficialEvent(event: Event): OfficialEvent | undefined {
  const payload = event.payload;
  if (payload.case === undefined) return undefined;
  const key = (eventVariants as Readonly<Record<string, string>>)[payload.case];
  if (key === undefined) return undefined;
  const signaling = !(key in eventNames);
  const name = signaling ? signalingNames[key] : eventNames[key];
  if (typeof name !== "string") return undefined;
  const adapter = eventAdapters[payload.case];
  const field = EventSchema.field[payload.case];
  const value = payload.value as unknown as Record<string, unknown>;
  const data = adapter
    ? adapter(payload.value as never)
    : field?.fieldKind === "message"
      ? toOfficial(field.message, value)
      : value;
  return { variant: payload.case, name, signaling, data };
}
