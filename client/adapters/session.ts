// Session: login resolves the official login result rather than the session the server opened.
import type { LoginResponse } from "../../gen/chatwire/v1/session_pb.js";
import type { MethodAdapter } from "./method-adapter.js";

/** login resolves `{actionStatus: "OK", errorCode: 0, errorInfo: "", repeatLogin}`. */
export const login: MethodAdapter<LoginResponse> = {
  response: (response) => ({ actionStatus: "OK", errorCode: 0, errorInfo: "", repeatLogin: response.repeatLogin }),
};
