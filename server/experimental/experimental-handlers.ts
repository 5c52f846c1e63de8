// SearchService.CallExperimentalAPI: the keys the official SDK answers from its server's configuration. Chatwire
// holds no ability back behind a paid package, so every commercial ability is on; it keeps no cloud configuration
// items, so getServerConfig answers "" as the official SDK does for a key it has none for. Any other key is an
// invalid operation (2905), as in the official SDK; the facade answers the client-local keys itself.
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { SearchService } from "../../gen/chatwire/v1/search_pb.js";
import { chatError } from "../rpc/chat-error.js";

const INVALID_OPERATION = 2905;
/** What each server key answers; queryCommercialAbility's is the official purchase bits (up to 64 binary digits, one per ability), all set. */
const ANSWERS: Record<string, JsonValue> = {
  isCommercialAbilityEnabled: { enabled: true },
  queryCommercialAbility: "1".repeat(64),
  getServerConfig: "",
};

export function createExperimentalHandlers(): Pick<ServiceImpl<typeof SearchService>, "callExperimentalAPI"> {
  return {
    async callExperimentalAPI(req) {
      if (!Object.hasOwn(ANSWERS, req.key)) throw chatError(INVALID_OPERATION, `callExperimentalAPI: unknown key "${req.key.slice(0, 64)}"`);
      return { data: fromJson(ValueSchema, ANSWERS[req.key]!) };
    },
  };
}
