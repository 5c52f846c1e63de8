// A stored message as one user sees it. The stored body is the sender's view; the peer's differs in the
// conversation ID and flow, and read flags depend on the viewer's and the peer's read positions.
import { create, fromBinary, type JsonObject } from "@bufbuild/protobuf";
import { toOfficial } from "../../client/official-shape.js";
import { MessageSchema, ReadReceiptInfoSchema, type Message } from "../../gen/chatwire/v1/message_pb.js";
import { MessageElemType } from "../../gen/chatwire/v1/types_pb.js";
import { c2cConversationId } from "../conversations/conversation-id.js";
import type { StoredMessage } from "./message-store.js";

/** What the viewer's state says about a message beyond the message itself. */
export interface ViewContext {
  /** The viewer's read position in the conversation. */
  readSeq: number;
  /** C2C: the peer's read position (the viewer's own messages up to it are `is_peer_read`). */
  peerReadSeq: number;
}

export function decodeMessage(stored: StoredMessage): Message {
  return fromBinary(MessageSchema, stored.body);
}

/**
 * The message as `viewerId` sees it: a C2C message received has the sender as its conversation and flow "in";
 * a message sent has flow "out", and is peer-read once the peer's read position passed it.
 */
export function viewFor(message: Message, viewerId: string, context: ViewContext = { readSeq: 0, peerReadSeq: 0 }): Message {
  const own = message.from === viewerId;
  const seq = Number(message.sequence);
  const view: Message = { ...message };
  view.flow = own ? "out" : "in";
  if (!own && message.conversationId.startsWith("C2C")) view.conversationId = c2cConversationId(message.from);
  view.isRead = own || seq <= context.readSeq;
  view.isPeerRead = own && message.conversationId.startsWith("C2C") && seq <= context.peerReadSeq;
  if (!own && message.readReceiptInfo) view.readReceiptInfo = create(ReadReceiptInfoSchema, {});
  return view;
}

/** The text the conversation list shows for a message, before the facade localises it. */
export function messageForShow(message: Message): string {
  switch (message.payload.case) {
    case "text":
    case "textAt":
      return message.payload.value.text;
    case "image":
      return "[Image]";
    case "audio":
      return "[Voice]";
    case "video":
      return "[Video]";
    case "file":
      return `[File] ${message.payload.value.fileName}`;
    case "custom":
      return message.payload.value.description || "[Custom Message]";
    case "face":
      return "[Face]";
    case "location":
      return "[Location]";
    case "merger":
      return `[Chat History] ${message.payload.value.title}`;
    case "groupTip":
      return "[Group Tip]";
    case "groupSystemNotice":
      return "[Group System Notice]";
    default:
      return "";
  }
}

/** The element type a payload variant stands for. */
export const elemTypeOfPayload: Record<string, MessageElemType> = {
  text: MessageElemType.TEXT,
  textAt: MessageElemType.TEXT,
  image: MessageElemType.IMAGE,
  audio: MessageElemType.AUDIO,
  video: MessageElemType.VIDEO,
  file: MessageElemType.FILE,
  custom: MessageElemType.CUSTOM,
  face: MessageElemType.FACE,
  location: MessageElemType.LOCATION,
  merger: MessageElemType.MERGER,
  groupTip: MessageElemType.GRP_TIP,
  groupSystemNotice: MessageElemType.GRP_SYS_NOTICE,
};

/** The official payload object of a message, or undefined when it has none. */
export function officialPayload(message: Message): JsonObject | undefined {
  const payload = message.payload;
  if (payload.case === undefined) return undefined;
  const field = MessageSchema.fields.find((f) => f.localName === payload.case)!;
  // The facade's own mapping, so the conversation list's payload has exactly the shape its messages have.
  return toOfficial(field.message!, payload.value as unknown as Record<string, unknown>) as JsonObject;
}
