// What a method the server has not built answers: Connect's Unimplemented with the official-style code 990001,
// never silence and never a false success.
import type { DescService } from "@bufbuild/protobuf";
import { chatError } from "./chat-error.js";

export function unimplemented(service: DescService): Record<string, unknown> {
  const impl: Record<string, unknown> = {};
  for (const method of service.methods) {
    const fail = () => {
      throw chatError(990001, `${service.typeName}.${method.name} is not implemented by this server yet`);
    };
    // eslint-disable-next-line require-yield
    impl[method.localName] = method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming" ? async function* () { fail(); } : async () => fail();
  }
  return impl;
}
