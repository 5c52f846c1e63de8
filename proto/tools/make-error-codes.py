"""Writes proto/chatwire/v1/error_code.proto from the official code table (../shared/reference/errors.json)
plus the server codes the source documents cite. Run once when the tables change; the .proto is the source
of truth afterwards and is reviewed like any other."""
import json, pathlib, sys

root = pathlib.Path(__file__).resolve().parents[2]
ref = root.parent / "shared" / "reference" / "errors.json"
codes = json.loads(ref.read_text())["codes"]

# (code, enum suffix, connect code, message, lines in seed 004 / other sources)
SERVER = [
    (0, None, None, None, None),
    (2996, None, "resource_exhausted", "Too many requests: the per-user rate limit (20 requests per 5 s by default) is spent.", "004 L3928, 000:297-301"),
    (2641, "GROUP_ATTRIBUTES_AVCHATROOM_ONLY", "failed_precondition", "Group attributes are only supported in AVChatRoom groups (older servers; index.d.ts initGroupAttributes).", "index.d.ts L2191-2195"),
    (2642, "GROUP_ATTRIBUTES_NOT_JOINED", "failed_precondition", "Group attributes need the caller to have joined the AVChatRoom.", "index.d.ts L2191-2198"),
    (10004, "GROUP_INVALID_PARAMETER", "invalid_argument", "A group request parameter is invalid.", "Tencent group server codes"),
    (10007, "GROUP_NO_PERMISSION", "permission_denied", "The operator lacks permission, e.g. the group does not allow invitations.", "004 L4695-4696"),
    (10010, "GROUP_NOT_FOUND", "not_found", "The group does not exist or was dismissed.", "Tencent group server codes"),
    (10019, "GROUP_INVALID_USER_ID", "invalid_argument", "A user ID to add is not a valid account.", "004 L4670"),
    (10035, "GROUP_MESSAGE_DELETE_UNSUPPORTED", "failed_precondition", "AVChatRoom does not support deleting messages.", "004 L1675"),
    (10056, "GROUP_ATTRIBUTES_CONFLICT", "aborted", "Group attributes changed concurrently; fetch them with getGroupAttributes and retry.", "004 L4333, L4360, L4386"),
    (10062, "GROUP_READ_RECEIPT_NOT_FOUND", "not_found", "The read-receipt information of the group message was not found.", "004 L2257"),
    (20009, "C2C_NOT_FRIENDS", "permission_denied", "Friend-relationship checking is on and strangers cannot send one-to-one messages.", "004 L1371"),
    (20026, "MESSAGE_NOT_FOUND", "not_found", "The message does not exist.", "004 L2062-2063"),
    (23001, "MESSAGE_EXTENSION_CONFLICT", "aborted", "An extension key was changed concurrently; the latest extensions are returned.", "004 L1775, L1804, L1859, L1869"),
    (23005, "REACTION_COUNT_LIMIT", "resource_exhausted", "A message holds the most reactions it may (10).", "004 L1904"),
    (23006, "REACTION_USER_LIMIT", "resource_exhausted", "A reaction holds the most users it may (100).", "004 L1905"),
    (23007, "REACTION_ALREADY_ADDED", "already_exists", "The reaction already contains the current user.", "004 L1906"),
    (23008, "REACTION_NOT_FOUND", "not_found", "The reaction does not exist.", "004 L1948"),
    (23009, "REACTION_USER_NOT_FOUND", "not_found", "The reaction does not contain the current user.", "004 L1949"),
    (27003, "SEARCH_PARAMS_ERROR", "invalid_argument", "The cloud search rejected the parameters.", "cloud-search-module.js (runtime)"),
    (30001, "FRIEND_INVALID_PARAMETER", "invalid_argument", "A friend request parameter is invalid.", "Tencent relationship server codes"),
    (30539, "FRIEND_APPLICATION_PENDING", "ok", "The friend request awaits the peer's confirmation (a success-path code of addFriend).", "004 L3380-3381"),
    (60018, "SEARCH_OVER_LIMIT", "resource_exhausted", "The cloud search quota is used up.", "cloud-search-module.js (runtime)"),
    (60020, "PACKAGE_EXPIRED", "permission_denied", "No package is purchased, it expired, or it is not yet effective.", "004 L135"),
    (70001, None, "unauthenticated", "The UserSig has expired; generate a new one and log in again.", "usersig.md, 000"),
    (70002, "USER_SIG_EMPTY", "unauthenticated", "The UserSig is empty.", "Tencent account codes"),
    (70003, "USER_SIG_MALFORMED", "unauthenticated", "The UserSig cannot be decoded: it is not a base64 zlib JSON document of the UserSig format.", "usersig.md"),
    (70009, "USER_SIG_SIGNATURE_MISMATCH", "unauthenticated", "The UserSig signature does not verify with the application's secret key.", "usersig.md"),
    (70013, "USER_SIG_USER_MISMATCH", "unauthenticated", "The UserSig was issued for another user ID.", "usersig.md"),
    (70014, "USER_SIG_APP_MISMATCH", "unauthenticated", "The UserSig was issued for another SDKAppID.", "usersig.md"),
    (70107, "USER_NOT_FOUND", "not_found", "The user does not exist: it never logged in and was not imported.", "Tencent account codes"),
    (70402, "INVALID_PARAMETER", "invalid_argument", "A request parameter is invalid: missing, too long, too many items or out of range.", "Tencent account codes"),
    (70403, "ADMIN_REQUIRED", "permission_denied", "The call needs the application administrator's UserSig.", "Tencent account codes"),
    (72001, "USER_STATUS_DISABLED", "failed_precondition", "Querying and subscribing to other users' status is not enabled for this application.", "000:106, 000:305-307"),
    (80002, "MESSAGE_TOO_LONG", "invalid_argument", "The message body exceeds 12 KB.", "004 L1370"),
    (990001, "CHATWIRE_NOT_IMPLEMENTED", "unimplemented", "The server does not implement this method yet.", "Chatwire"),
    (990002, "CHATWIRE_INTERNAL", "internal", "The server failed unexpectedly; the request may be retried.", "Chatwire"),
    (990003, "CHATWIRE_SESSION_NOT_FOUND", "unauthenticated", "The session token is unknown or was ended by logout; log in again.", "Chatwire"),
]

def human(name):
    return name.replace("_", " ").lower().capitalize() + "."

rows = {}
for c in codes:
    rows[c["code"]] = dict(code=c["code"], chat=c.get("chatName"), tim=c.get("timName"), origin="ERROR_ORIGIN_CLIENT",
                           msg=None, connect=None, src="errors.json")
for code, suffix, connect, msg, src in SERVER:
    r = rows.get(code)
    if r is None:
        r = rows[code] = dict(code=code, chat=None, tim=None, origin="ERROR_ORIGIN_SERVER", msg=None, connect=None, src=src)
    if suffix: r["suffix"] = suffix
    if connect: r["connect"] = connect
    if msg: r["msg"] = msg
    if src: r["src"] = src
    if code >= 990000: r["origin"] = "ERROR_ORIGIN_CHATWIRE"
    elif code >= 4000 and code != 8010: r["origin"] = "ERROR_ORIGIN_SERVER"
for r in rows.values():
    if 8000 <= r["code"] < 9000 or r["code"] in (1002,): r["origin"] = "ERROR_ORIGIN_CLIENT" if r["code"] != 0 else r["origin"]
    if r["code"] in (20002, 60022, 70001): r["origin"] = "ERROR_ORIGIN_SERVER"

out = ['syntax = "proto3";', "", "package chatwire.v1;", "", 'import "chatwire/v1/options.proto";', "",
       "// ErrorCode lists every numeric code a Chatwire server or the TencentCloudChat facade reports; the number is the",
       "// official code. The 103 client codes come from @tencentcloud/chat 3.6.6 and tim-js-sdk 2.27.6; the server codes",
       "// are those the vendor documents cite. Errors travel as a Connect error whose `ErrorDetail` carries the code.",
       "enum ErrorCode {"]
seen = set()
for code in sorted(rows):
    r = rows[code]
    if code == 0:
        out += ["  // Success: no error.", "  ERROR_CODE_UNSPECIFIED = 0;"]
        continue
    suffix = r.get("suffix") or r["chat"] or r["tim"]
    if code == 70001: suffix = "USER_SIG_EXPIRED"
    name = "ERROR_CODE_" + suffix
    assert name not in seen, name
    seen.add(name)
    msg = r["msg"] or human(r["chat"] or r["tim"])
    opts = []
    if r["chat"]: opts.append(f'chat_name: "{r["chat"]}"')
    if r["tim"]: opts.append(f'tim_name: "{r["tim"]}"')
    opts.append(f'origin: {r["origin"]}')
    opts.append(f'message: "{msg}"')
    if r["connect"]: opts.append(f'connect_code: "{r["connect"]}"')
    out.append(f"  // {msg} Source: {r['src']}.")
    out.append(f"  {name} = {code} [(chatwire.v1.error) = {{")
    for o in opts: out.append(f"    {o}")
    out.append("  }];")
out.append("}")
out += ["", "// ErrorDetail is the typed detail every Chatwire error carries beside its Connect code.",
        "message ErrorDetail {",
        "  // The official numeric code, a value of ErrorCode.", "  int32 code = 1;",
        "  // A human-readable English message.", "  string message = 2;",
        "}", ""]
(root / "proto/chatwire/v1/error_code.proto").write_text("\n".join(out))
print(len(rows) - 1, "codes")
