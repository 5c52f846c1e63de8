// Errors as the protocol carries them: a Connect code plus an ErrorDetail with the official numeric code.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema } from "../../gen/chatwire/v1/error_code_pb.js";
import { errorCodes } from "../generated/error-codes.js";

const connectCodes: Record<string, Code> = {
  canceled: Code.Canceled,
  unknown: Code.Unknown,
  invalid_argument: Code.InvalidArgument,
  deadline_exceeded: Code.DeadlineExceeded,
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
  permission_denied: Code.PermissionDenied,
  resource_exhausted: Code.ResourceExhausted,
  failed_precondition: Code.FailedPrecondition,
  aborted: Code.Aborted,
  out_of_range: Code.OutOfRange,
  unimplemented: Code.Unimplemented,
  internal: Code.Internal,
  unavailable: Code.Unavailable,
  data_loss: Code.DataLoss,
  unauthenticated: Code.Unauthenticated,
};

/** The message the spec gives an official code, or a generic one. */
export function messageOf(code: number): string {
  return errorCodes[code]?.message ?? `Error ${code}.`;
}

/**
 * The Connect code of an official code, from the spec's table. The table gives client-side codes (2002
 * NO_IDENTIFIER...) no server Connect code ("unknown"); when the server raises one it is a check of the caller's
 * parameters, so it answers invalid_argument, never a 5xx.
 */
export function connectCodeOf(code: number): string {
  const connectCode = errorCodes[code]?.connectCode;
  return connectCode === undefined || connectCode === "unknown" ? "invalid_argument" : connectCode;
}

/** A ConnectError carrying an official code; the Connect code comes from the spec's table (see connectCodeOf). */
export function chatError(code: number, message = messageOf(code)): ConnectError {
  const connectCode = connectCodes[connectCodeOf(code)] ?? Code.Unknown;
  return new ConnectError(message, connectCode, undefined, [{ desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { code, message }) }]);
}

/** Whether an error already carries an official code. */
export function officialCodeOf(err: unknown): number | undefined {
  if (!(err instanceof ConnectError)) return undefined;
  return err.findDetails(ErrorDetailSchema)[0]?.code;
}
