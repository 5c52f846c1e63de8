// The generic mapping between the official shape of the cases and protobuf-es messages, driven by descriptors, so
// the rpc driver checks the same golden data as the facade driver: keys are a field's lowerCamelCase name with `Id`
// written `ID` (userIdList ↔ userIDList) unless the field sets `(chatwire.v1.facade_name)`; enums travel as numbers
// and read as the official value (KickedOutType 3 ↔ "userSigExpired"); 64-bit integers read as numbers.
// It is written apart from the facade's own mapping on purpose: the suite must not share the code it checks.
// Two message overrides: a message's (or message element's) `payload` oneof is the official `payload` object of its
// `type` (MessageElemType → variant, below), and a google.protobuf.Struct field is the JSON object it holds.
import { fromJson, getOption, ScalarType, toJson, type DescEnum, type DescField, type DescMessage, type JsonValue } from "@bufbuild/protobuf";
import { ValueSchema, type Value } from "@bufbuild/protobuf/wkt";
import { officialEnumValues } from "../../client/generated/constants.js";
import { facade_name } from "../../gen/chatwire/v1/options_pb.js";

type Obj = Record<string, unknown>;

/** The key the official API uses for a field. */
export function officialKey(field: DescField): string {
  return getOption(field, facade_name) || field.localName.replace(/Id(?=[A-Z]|$)/g, "ID");
}

/** The `payload` variant of each MessageElemType value (text_at shares TEXT: it is chosen by `atUserList`). */
const PAYLOAD_OF_TYPE: Record<number, string> = {
  1: "text",
  2: "image",
  3: "audio",
  4: "file",
  5: "face",
  6: "video",
  7: "location",
  8: "groupTip",
  9: "groupSystemNotice",
  10: "custom",
  11: "merger",
};

const STRUCT = "google.protobuf.Struct";
const VALUE = "google.protobuf.Value";

/** Whether `desc` carries an official `payload` selected by `type` (Message, MessageElement). */
function hasTypedPayload(desc: DescMessage): boolean {
  return desc.oneofs.some((o) => o.localName === "payload") && desc.fields.some((f) => f.localName === "type" && f.fieldKind === "enum");
}

const INT64 = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);

function itemKind(field: DescField): { scalar?: ScalarType; enumName?: string; enumDesc?: DescEnum; message?: DescMessage } {
  switch (field.fieldKind) {
    case "scalar":
      return { scalar: field.scalar };
    case "enum":
      return { enumName: field.enum.typeName, enumDesc: field.enum };
    case "message":
      return { message: field.message };
    case "list":
    case "map": {
      if (field.fieldKind === "list" ? field.listKind === "scalar" : field.mapKind === "scalar") return { scalar: field.scalar! };
      if (field.fieldKind === "list" ? field.listKind === "enum" : field.mapKind === "enum") return { enumName: field.enum!.typeName, enumDesc: field.enum! };
      return { message: field.message! };
    }
  }
}

function toWire(kind: ReturnType<typeof itemKind>, value: unknown): unknown {
  if (kind.message?.typeName === STRUCT) return value;
  if (kind.message?.typeName === VALUE) return fromJson(ValueSchema, (value ?? null) as JsonValue);
  if (kind.message) return toMessageInit(kind.message, (value ?? {}) as Obj);
  if (kind.enumName) {
    const table = officialEnumValues[kind.enumName] ?? {};
    const hit = Object.entries(table).find(([, official]) => official === value);
    if (hit) return Number(hit[0]);
    // An enum standing for official string literals that are no constants ('or' | 'and'): the value's own name.
    const named = typeof value === "string" && !(kind.enumName in officialEnumValues) ? kind.enumDesc?.values.find((v) => v.localName.toLowerCase() === value.toLowerCase()) : undefined;
    return named ? named.number : Number(value);
  }
  if (kind.scalar !== undefined && INT64.has(kind.scalar)) return BigInt(Math.trunc(Number(value)));
  return value;
}

function toShape(kind: ReturnType<typeof itemKind>, value: unknown): unknown {
  if (kind.message?.typeName === STRUCT) return value;
  if (kind.message?.typeName === VALUE) return toJson(ValueSchema, value as Value);
  if (kind.message) return toOfficial(kind.message, value as Obj);
  if (kind.enumName) return officialEnumValues[kind.enumName]?.[value as number] ?? value;
  return typeof value === "bigint" ? Number(value) : value;
}

/** The init object of `desc` for an official options object; keys the message does not have are dropped. */
export function toMessageInit(desc: DescMessage, official: Obj): Obj {
  const init: Obj = {};
  for (const field of desc.fields) {
    const value = official[officialKey(field)];
    if (value === undefined || value === null) continue;
    const kind = itemKind(field);
    let wire: unknown;
    if (field.fieldKind === "list") wire = (Array.isArray(value) ? value : [value]).map((v) => toWire(kind, v));
    else if (field.fieldKind === "map") wire = Object.fromEntries(Object.entries(value as Obj).map(([k, v]) => [k, toWire(kind, v)]));
    else wire = toWire(kind, value);
    if (field.oneof) init[field.oneof.localName] = { case: field.localName, value: wire };
    else init[field.localName] = wire;
  }
  if (hasTypedPayload(desc) && official.payload !== undefined && official.payload !== null) {
    const type = init.type as number | undefined;
    let variant = PAYLOAD_OF_TYPE[type ?? 0];
    if (variant === "text" && Array.isArray((official.payload as Obj).atUserList)) variant = "textAt";
    const field = desc.fields.find((f) => f.localName === variant);
    if (field?.message) init.payload = { case: variant, value: toMessageInit(field.message, official.payload as Obj) };
  }
  return init;
}

/** The official object of a message; unset message fields are left out, scalars keep their zero values. */
export function toOfficial(desc: DescMessage, message: Obj): Obj {
  const official: Obj = {};
  const typed = hasTypedPayload(desc);
  for (const field of desc.fields) {
    let value: unknown;
    if (field.oneof) {
      const oneof = message[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
      if (oneof?.case !== field.localName) continue;
      value = oneof.value;
      if (typed && field.oneof.localName === "payload") {
        official.payload = toOfficial(field.message!, value as Obj);
        continue;
      }
    } else value = message[field.localName];
    if (value === undefined) continue;
    const kind = itemKind(field);
    if (field.fieldKind === "list") official[officialKey(field)] = (value as unknown[]).map((v) => toShape(kind, v));
    else if (field.fieldKind === "map") {
      official[officialKey(field)] = Object.fromEntries(Object.entries(value as Obj).map(([k, v]) => [k, toShape(kind, v)]));
    } else official[officialKey(field)] = toShape(kind, value);
  }
  return official;
}
