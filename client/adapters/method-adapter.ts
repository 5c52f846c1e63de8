// The shape of the per-method and per-event adapters: small functions used only where the official shape differs
// from what the generic descriptor mapping (official-shape.ts) produces.
import type { DescMessage } from "@bufbuild/protobuf";
import type { OfficialObject } from "../official-shape.js";

/** Overrides of the generic request and response mapping of one RPC-bound method. */
export interface MethodAdapter<Response = never> {
  /** Builds the request init from the official options (default: toMessageInit). */
  request?(options: OfficialObject, input: DescMessage): Record<string, unknown>;
  /** Builds the official `data` from the response message (default: toOfficial). */
  response?(response: Response, options: OfficialObject): unknown;
}

/** Builds the official event data from the payload of one Event variant (default: toOfficial). */
export type EventAdapter<Payload = never> = (payload: Payload) => unknown;
