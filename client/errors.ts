// Errors as the official SDK rejects them: an Error instance whose own enumerable fields are exactly
// `{code, message, data}`; and the one place that turns transport failures into such errors.
import { fromBinary } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorCode } from "../gen/chatwire/v1/error_code_pb.js";
import { MessageSchema } from "../gen/chatwire/v1/message_pb.js";
import { errorMessages } from "./generated/error-codes.js";
import { toOfficial } from "./official-shape.js";

/** The fields of a ChatError. */
export interface ChatErrorInit {
  code: number;
  message?: string;
  data?: Record<string, unknown>;
}

/** The error every facade method rejects (or throws) with, like the official SDK's error class. */
export class ChatError extends Error {
  // Declared in this order so that Object.keys(err) is ["code", "message", "data"], as in the official SDK.
  code: number;
  override message: string;
  data: Record<string, unknown>;

  constructor(init: ChatErrorInit) {
    super();
    this.code = init.code;
    this.message = init.message ?? messageOf(init.code);
    this.data = init.data ?? {};
  }
}

/** The English message the spec gives an official code; "" for a code it does not list. */
export function messageOf(code: number): string {
  return errorMessages[code] ?? "";
}

const ERROR_DETAIL = "chatwire.v1.ErrorDetail";

/**
 * The server's `chatwire.v1.ErrorDetail` (1: code, 2: message) of an error. Read off the wire with the binary
 * reader rather than through ErrorDetailSchema: that schema's file descriptor carries the whole error-code table
 * with its options, which would double the facade's browser bundle (the table above is all the facade needs).
 */
function errorDetailOf(err: ConnectError): { code: number; message: string } | undefined {
  for (const detail of err.details) {
    if ("desc" in detail) {
      if (detail.desc.typeName === ERROR_DETAIL) return detail.value as unknown as { code: number; message: string };
      continue;
    }
    if (detail.type !== ERROR_DETAIL) continue;
    const found = { code: 0, message: "" };
    const reader = new BinaryReader(detail.value);
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === 1 && wireType === WireType.Varint) found.code = reader.int32();
      else if (field === 2 && wireType === WireType.LengthDelimited) found.message = reader.string();
      else reader.skip(wireType, field);
    }
    return found;
  }
  return undefined;
}

/** The error a facade method the client does not implement yet fails with. */
export function notImplemented(method: string): ChatError {
  return new ChatError({
    code: ErrorCode.CHATWIRE_NOT_IMPLEMENTED,
    message: `The Chatwire client does not implement ${method} yet.`,
  });
}

/**
 * Maps anything an RPC threw to a ChatError: the server's ErrorDetail when there is one; otherwise 990001 for an
 * unimplemented method, 2801 for a deadline, 2800 for a transport failure and 2903 for anything else.
 */
export function toChatError(err: unknown): ChatError {
  if (err instanceof ChatError) return err;
  const connectError = ConnectError.from(err);
  const detail = errorDetailOf(connectError);
  if (detail) {
    // A message detail (e.g. the latest message with a modify conflict, 2480) is the official `data.message`.
    const found = connectError.details.find((d) => ("desc" in d ? d.desc.typeName : d.type) === MessageSchema.typeName);
    const message = found && ("desc" in found ? found.value : fromBinary(MessageSchema, found.value));
    return new ChatError({
      code: detail.code,
      message: detail.message || messageOf(detail.code),
      data: message ? { message: toOfficial(MessageSchema, message as unknown as Record<string, unknown>) } : undefined,
    });
  }
  switch (connectError.code) {
    case Code.Unimplemented:
      return new ChatError({ code: ErrorCode.CHATWIRE_NOT_IMPLEMENTED });
    case Code.DeadlineExceeded:
      return new ChatError({ code: ErrorCode.NETWORK_TIMEOUT });
    case Code.Unavailable:
    case Code.Unknown:
    case Code.Aborted:
    case Code.Canceled:
      return new ChatError({ code: ErrorCode.NETWORK_ERROR, message: connectError.rawMessage || undefined });
    default:
      return new ChatError({ code: ErrorCode.UNCAUGHT_ERROR, message: connectError.rawMessage || undefined });
  }
}
