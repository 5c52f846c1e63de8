// The one mapping between official objects and protobuf-es messages, driven by descriptors:
// keys are the field's lowerCamelCase name with `Id` written `ID` (userIdList ↔ userIDList) unless the field sets
// `(chatwire.v1.facade_name)`; enums travel as numbers and surface as the official value from officialEnumValues;
// 64-bit integers surface as numbers; a message's `payload` oneof is the official `payload` object of its `type`,
// a google.protobuf.Struct is the JSON object it holds, and a google.protobuf.Value the JSON value it holds.
import { fromJson, getOption, ScalarType, toJson, type DescEnum, type DescField, type DescMessage, type JsonValue } from "@bufbuild/protobuf";
import { ValueSchema, type Value } from "@bufbuild/protobuf/wkt";
import { facade_name } from "../gen/chatwire/v1/options_pb.js";
import { officialEnumValues } from "./generated/constants.js";

/** An official options or result object. */
export type OfficialObject = Record<string, unknown>;

const keyCache = new WeakMap<DescField, string>();

/** The key the official API uses for a field. */
export function officialKeyOf(field: DescField): string {
  let key = keyCache.get(field);
  if (key === undefined) {
    key = getOption(field, facade_name) || field.localName.replace(/Id(?=[A-Z]|$)/g, "ID");
    keyCache.set(field, key);
  }
  return key;
}

const reverseEnumCache = new WeakMap<DescEnum, Map<unknown, number>>();

function officialToEnumNumber(desc: DescEnum, value: unknown): number {
  let reverse = reverseEnumCache.get(desc);
  if (!reverse) {
    reverse = new Map();
    for (const [number, official] of Object.entries(officialEnumValues[desc.typeName] ?? {})) {
      if (!reverse.has(official)) reverse.set(official, Number(number));
    }
    reverseEnumCache.set(desc, reverse);
  }
  const number = reverse.get(value);
  if (number !== undefined) return number;
  // An enum standing for official string literals that are no constants ('or' | 'and'): the value's own name.
  if (typeof value === "string" && !(desc.typeName in officialEnumValues)) {
    const named = desc.values.find((v) => v.localName.toLowerCase() === value.toLowerCase());
    if (named) return named.number;
  }
  return typeof value === "number" ? value : 0;
}

function enumNumberToOfficial(desc: DescEnum, number: number): unknown {
  return officialEnumValues[desc.typeName]?.[number] ?? number;
}

function isInt64(scalar: ScalarType): boolean {
  return (
    scalar === ScalarType.INT64 ||
    scalar === ScalarType.UINT64 ||
    scalar === ScalarType.SINT64 ||
    scalar === ScalarType.FIXED64 ||
    scalar === ScalarType.SFIXED64
  );
}

function scalarToMessage(scalar: ScalarType, value: unknown): unknown {
  if (isInt64(scalar)) return BigInt(Math.trunc(Number(value)));
  switch (scalar) {
    case ScalarType.STRING:
      return String(value);
    case ScalarType.BOOL:
      return Boolean(value);
    case ScalarType.BYTES:
      return value;
    default:
      return Number(value);
  }
}

function scalarToOfficial(value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}

type Kind =
  | { kind: "scalar"; scalar: ScalarType }
  | { kind: "enum"; desc: DescEnum }
  | { kind: "message"; desc: DescMessage };

function singularKind(field: DescField): Kind {
  switch (field.fieldKind) {
    case "scalar":
      return { kind: "scalar", scalar: field.scalar };
    case "enum":
      return { kind: "enum", desc: field.enum };
    case "message":
      return { kind: "message", desc: field.message };
    case "list":
      if (field.listKind === "scalar") return { kind: "scalar", scalar: field.scalar };
      if (field.listKind === "enum") return { kind: "enum", desc: field.enum };
      return { kind: "message", desc: field.message };
    case "map":
      if (field.mapKind === "scalar") return { kind: "scalar", scalar: field.scalar };
      if (field.mapKind === "enum") return { kind: "enum", desc: field.enum };
      return { kind: "message", desc: field.message };
  }
}

const STRUCT = "google.protobuf.Struct";
const VALUE = "google.protobuf.Value";

/** The `payload` variant of each MessageElemType number (a text payload with `atUserList` is `textAt`). */
const PAYLOADS = ",text,image,audio,file,face,video,location,groupTip,groupSystemNotice,custom,merger".split(",");

/** Whether `desc` has a `payload` oneof chosen by an enum `type` (Message, MessageElement). */
function hasTypedPayload(desc: DescMessage): boolean {
  return desc.field.type?.fieldKind === "enum" && desc.oneofs.some((o) => o.localName === "payload");
}

function valueToMessage(kind: Kind, value: unknown): unknown {
  switch (kind.kind) {
    case "scalar":
      return scalarToMessage(kind.scalar, value);
    case "enum":
      return officialToEnumNumber(kind.desc, value);
    case "message":
      if (kind.desc.typeName === VALUE) return fromJson(ValueSchema, (value ?? null) as JsonValue);
      return kind.desc.typeName === STRUCT ? value : toMessageInit(kind.desc, (value ?? {}) as OfficialObject);
  }
}

function valueToOfficial(kind: Kind, value: unknown): unknown {
  switch (kind.kind) {
    case "scalar":
      return scalarToOfficial(value);
    case "enum":
      return enumNumberToOfficial(kind.desc, value as number);
    case "message":
      if (kind.desc.typeName === VALUE) return toJson(ValueSchema, value as Value);
      return kind.desc.typeName === STRUCT ? value : toOfficial(kind.desc, value as Record<string, unknown>);
  }
}

/** Returns the init object of message `desc` for an official options object; unknown keys are ignored. */
export function toMessageInit(desc: DescMessage, official: OfficialObject): Record<string, unknown> {
  const init: Record<string, unknown> = {};
  for (const field of desc.fields) {
    const value = official[officialKeyOf(field)];
    if (value === undefined || value === null) continue;
    const kind = singularKind(field);
    let converted: unknown;
    if (field.fieldKind === "list") {
      converted = (Array.isArray(value) ? value : [value]).map((item) => valueToMessage(kind, item));
    } else if (field.fieldKind === "map") {
      converted = Object.fromEntries(
        Object.entries(value as OfficialObject).map(([k, v]) => [k, valueToMessage(kind, v)]),
      );
    } else {
      converted = valueToMessage(kind, value);
    }
    if (field.oneof) init[field.oneof.localName] = { case: field.localName, value: converted };
    else init[field.localName] = converted;
  }
  // Message and MessageElement: the official `payload` object is the oneof variant its `type` names.
  const payload = official.payload as OfficialObject | undefined;
  if (payload && hasTypedPayload(desc)) {
    let variant = PAYLOADS[init.type as number] ?? "";
    if (variant === "text" && Array.isArray(payload.atUserList)) variant = "textAt";
    const field = desc.field[variant];
    if (field?.message) init.payload = { case: variant, value: toMessageInit(field.message, payload) };
  }
  return init;
}

/** Returns the official object for message `message` of type `desc`; unset message fields are left out. */
export function toOfficial(desc: DescMessage, message: Record<string, unknown>): OfficialObject {
  const official: OfficialObject = {};
  for (const field of desc.fields) {
    let value: unknown;
    if (field.oneof) {
      const oneof = message[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
      if (oneof?.case !== field.localName) continue;
      value = oneof.value;
      if (field.oneof.localName === "payload" && field.message && hasTypedPayload(desc)) {
        official.payload = toOfficial(field.message, value as Record<string, unknown>);
        continue;
      }
    } else {
      value = message[field.localName];
    }
    if (value === undefined) continue;
    const kind = singularKind(field);
    if (field.fieldKind === "list") {
      official[officialKeyOf(field)] = (value as unknown[]).map((item) => valueToOfficial(kind, item));
    } else if (field.fieldKind === "map") {
      official[officialKeyOf(field)] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, valueToOfficial(kind, v)]),
      );
    } else {
      official[officialKeyOf(field)] = valueToOfficial(kind, value);
    }
  }
  return official;
}
