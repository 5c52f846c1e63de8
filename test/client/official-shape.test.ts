// The descriptor-driven mapping between official objects and messages, on a small inline schema: `Id` ↔ `ID`
// keys, facade_name overrides, enums as official values, 64-bit integers as numbers, nested messages, lists,
// maps and oneofs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create, createFileRegistry, setExtension } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FieldOptionsSchema,
  FileDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";
import { facade_name } from "../../gen/chatwire/v1/options_pb.js";
import { file_chatwire_v1_types, GroupType, KickedOutType } from "../../gen/chatwire/v1/types_pb.js";
import { EventSchema } from "../../gen/chatwire/v1/event_pb.js";
import { officialKeyOf, toMessageInit, toOfficial } from "../../client/official-shape.js";

const idOption = create(FieldOptionsSchema);
setExtension(idOption, facade_name, "ID");

const registry = createFileRegistry(
  create(FileDescriptorProtoSchema, {
    name: "shape_test.proto",
    package: "shape.test",
    syntax: "proto3",
    dependency: ["chatwire/v1/types.proto"],
    messageType: [
      {
        name: "Thing",
        field: [
          { name: "message_id", number: 1, type: Type.STRING, label: Label.OPTIONAL, jsonName: "messageId", options: idOption },
          { name: "group_id_list", number: 2, type: Type.STRING, label: Label.REPEATED, jsonName: "groupIdList" },
          { name: "group_type", number: 3, type: Type.ENUM, typeName: ".chatwire.v1.GroupType", label: Label.OPTIONAL, jsonName: "groupType" },
          { name: "create_time", number: 4, type: Type.INT64, label: Label.OPTIONAL, jsonName: "createTime" },
          { name: "owner", number: 5, type: Type.MESSAGE, typeName: ".shape.test.Owner", label: Label.OPTIONAL, jsonName: "owner" },
          { name: "text", number: 6, type: Type.STRING, label: Label.OPTIONAL, jsonName: "text", oneofIndex: 0 },
          { name: "count", number: 7, type: Type.INT32, label: Label.OPTIONAL, jsonName: "count", oneofIndex: 0 },
          { name: "type_list", number: 8, type: Type.ENUM, typeName: ".chatwire.v1.GroupType", label: Label.REPEATED, jsonName: "typeList" },
        ],
        oneofDecl: [{ name: "choice" }],
      },
      {
        name: "Owner",
        field: [{ name: "user_id", number: 1, type: Type.STRING, label: Label.OPTIONAL, jsonName: "userId" }],
      },
    ],
  }),
  (name) => (name === "chatwire/v1/types.proto" ? file_chatwire_v1_types : undefined),
);
const Thing = registry.getMessage("shape.test.Thing")!;

test("official keys: Id is written ID, facade_name overrides", () => {
  assert.deepEqual(Thing.fields.map(officialKeyOf), [
    "ID",
    "groupIDList",
    "groupType",
    "createTime",
    "owner",
    "text",
    "count",
    "typeList",
  ]);
});

test("official options become a message init; unknown keys are ignored", () => {
  const init = toMessageInit(Thing, {
    ID: "m1",
    groupIDList: ["g1", "g2"],
    groupType: "Public",
    createTime: 1_700_000_000_123,
    owner: { userID: "alice" },
    count: 3,
    typeList: ["Private", "ChatRoom"],
    somethingElse: true,
  });
  assert.deepEqual(init, {
    messageId: "m1",
    groupIdList: ["g1", "g2"],
    groupType: GroupType.PUBLIC,
    createTime: 1_700_000_000_123n,
    owner: { userId: "alice" },
    choice: { case: "count", value: 3 },
    typeList: [GroupType.WORK, GroupType.MEETING],
  });
  const message = create(Thing, init);
  assert.deepEqual(toOfficial(Thing, message as unknown as Record<string, unknown>), {
    ID: "m1",
    groupIDList: ["g1", "g2"],
    groupType: "Public",
    createTime: 1_700_000_000_123,
    owner: { userID: "alice" },
    count: 3,
    typeList: ["Private", "ChatRoom"],
  });
});

test("messages become official objects: uint64 as number, oneof under its case's key, enums official", () => {
  const event = create(EventSchema, { sequence: 42n, time: 7n, payload: { case: "kickedOut", value: { type: KickedOutType.MULT_DEVICE } } });
  assert.deepEqual(toOfficial(EventSchema, event as unknown as Record<string, unknown>), {
    sequence: 42,
    time: 7,
    kickedOut: { type: "multipleDevice" },
  });
});
