// Conversation IDs as clients write them (`C2C${userID}`, `GROUP${groupID}`, `@TIM#SYSTEM`) and the one key a
// conversation is stored under for all of its participants (`conv`): a C2C pair has one key whoever looks at it.
import { ConversationType } from "../../gen/chatwire/v1/types_pb.js";

export const SYSTEM_CONVERSATION_ID = "@TIM#SYSTEM";
/** The longest user or group ID the server accepts inside a conversation ID. */
const MAX_TARGET_BYTES = 48;

export type ConversationRef =
  | { kind: "c2c"; conversationId: string; peer: string }
  | { kind: "group"; conversationId: string; groupId: string }
  | { kind: "system"; conversationId: string };

/** Parses a client conversation ID; undefined when it is malformed (2503). */
export function parseConversationId(id: string): ConversationRef | undefined {
  if (id === SYSTEM_CONVERSATION_ID) return { kind: "system", conversationId: id };
  if (id.startsWith("C2C")) {
    const peer = id.slice(3);
    return validTarget(peer) ? { kind: "c2c", conversationId: id, peer } : undefined;
  }
  if (id.startsWith("GROUP")) {
    const groupId = id.slice(5);
    return validTarget(groupId) ? { kind: "group", conversationId: id, groupId } : undefined;
  }
  return undefined;
}

function validTarget(id: string): boolean {
  return id.length > 0 && Buffer.byteLength(id) <= MAX_TARGET_BYTES;
}

export function c2cConversationId(peer: string): string {
  return `C2C${peer}`;
}

/** The storage key of the C2C conversation between two users: the same for both, unambiguous for any IDs. */
export function c2cKey(a: string, b: string): string {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return `c2c:${lo.length}:${lo}${hi}`;
}

export function groupKey(groupId: string): string {
  return `grp:${groupId}`;
}

/** Each user has a system conversation of its own (group system notices addressed to it). */
export function systemKey(userId: string): string {
  return `sys:${userId}`;
}

/** The storage key of a conversation as `userId` sees it. */
export function keyOf(userId: string, ref: ConversationRef): string {
  switch (ref.kind) {
    case "c2c":
      return c2cKey(userId, ref.peer);
    case "group":
      return groupKey(ref.groupId);
    case "system":
      return systemKey(userId);
  }
}

export function conversationTypeOf(ref: ConversationRef): ConversationType {
  return ref.kind === "c2c" ? ConversationType.C2C : ref.kind === "group" ? ConversationType.GROUP : ConversationType.SYSTEM;
}
