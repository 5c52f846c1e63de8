// The 149 methods of the object the official `TencentCloudChat.create()` returns, with the facts the facade's
// middleware needs: the not-ready allow-list, whether the method is declared synchronous, its positional parameter
// names and the official runtime parameter check. They live in the spec (`(chatwire.v1.facade)` and
// `(chatwire.v1.client_method)` options) and are generated into client/generated/methods.ts.
export { officialMethods, type OfficialMethod, type OfficialMethodName, type ParamRule, type ParamSchema } from "./generated/methods.js";
