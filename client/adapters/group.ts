// Groups: GROUP_LIST_UPDATED carries the bare array of groups (the official `Group[]`), not the event message.
import type { GroupListUpdated } from "../../gen/chatwire/v1/group_pb.js";
import { GroupSchema } from "../../gen/chatwire/v1/group_pb.js";
import { toOfficial } from "../official-shape.js";
import type { EventAdapter } from "./method-adapter.js";

export const groupListUpdated: EventAdapter<GroupListUpdated> = (payload) =>
  payload.groupList.map((group) => toOfficial(GroupSchema, group as unknown as Record<string, unknown>));
