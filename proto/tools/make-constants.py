"""Writes proto/chatwire/v1/types.proto (TYPES and TSignaling ACTION_TYPE constants) and
proto/chatwire/v1/event_name.proto (EVENT and TSignaling event names) from the runtime tables read off
@tencentcloud/chat 3.6.6 (../shared/reference/types.json, events.json). Run once when the tables change; the
.proto files are the source of truth afterwards."""
import json, pathlib, re

root = pathlib.Path(__file__).resolve().parents[2]
ref = root.parent / "shared" / "reference"
types = json.loads((ref / "types.json").read_text())
events = json.loads((ref / "events.json").read_text())
ann = types.get("annotations", {})

GROUPS = [  # enum name, key regex, doc, numeric (use the value as the enum number)
    ("MessageElemType", r"^MSG_(TEXT|IMAGE|SOUND|AUDIO|FILE|FACE|VIDEO|GEO|LOCATION|GRP_TIP|GRP_SYS_NOTICE|CUSTOM|MERGER)$", "The element type of a message (`Message.type`).", False),
    ("MessagePriority", r"^MSG_PRIORITY_", "The priority of a group message.", False),
    ("ConversationType", r"^CONV_(C2C|GROUP|SYSTEM|TOPIC)$", "The type of a conversation.", False),
    ("ConversationAtType", r"^CONV_AT_", "What kind of @-mention a conversation's unread messages hold.", True),
    ("ConversationMarkType", r"^CONV_MARK_TYPE_", "A conversation mark; the values are bit flags.", True),
    ("GroupType", r"^GRP_(PRIVATE|WORK|PUBLIC|CHATROOM|MEETING|AVCHATROOM|COMMUNITY|ROOM|LIVE)$", "The type of a group.", False),
    ("GroupMemberRole", r"^GRP_MBR_ROLE_", "The role of a group member.", False),
    ("GroupTipType", r"^GRP_TIP_", "The operation a group tip message reports.", True),
    ("MessageRemindType", r"^(MSG_REMIND_|RECEIVE_WITH_OFFLINE_PUSH_EXCEPT_AT|NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT|NOT_RECEIVE_MSG_EXCEPT_AT)", "How new messages of a conversation are received and notified.", False),
    ("Gender", r"^GENDER_", "The gender in a user profile.", False),
    ("KickedOutType", r"^KICKED_OUT_", "Why a session was kicked out (`KICKED_OUT` event `type`).", False),
    ("AllowType", r"^ALLOW_TYPE_", "Who may add the user as a friend.", False),
    ("ForbidType", r"^FORBID_TYPE_", "Whether the administrator forbids the user to send messages.", False),
    ("JoinOption", r"^JOIN_OPTIONS_", "How users may join a group.", False),
    ("JoinStatus", r"^JOIN_STATUS_", "The outcome of joinGroup.", False),
    ("InviteOption", r"^INVITE_OPTIONS_", "How members may invite others into a group.", False),
    ("GroupProfileField", r"^GRP_PROFILE_", "A group profile field name, used in filters.", False),
    ("FriendAddType", r"^SNS_ADD_TYPE_", "Whether adding a friend is one-way or two-way.", False),
    ("FriendDeleteType", r"^SNS_DELETE_TYPE_", "Whether deleting a friend is one-way or two-way.", False),
    ("FriendApplicationType", r"^SNS_APPLICATION_(TYPE_BOTH|SENT_TO_ME|SENT_BY_ME)$", "Which friend applications a call concerns.", False),
    ("FriendApplicationAction", r"^SNS_APPLICATION_AGREE", "How a friend application is accepted.", False),
    ("FriendCheckType", r"^SNS_CHECK_TYPE_", "Whether checkFriend checks one way or both ways.", False),
    ("FriendRelation", r"^SNS_TYPE_", "The friend relation checkFriend reports.", False),
    ("NetState", r"^NET_STATE_", "The state of the client's connection (`NET_STATE_CHANGE` event `state`).", False),
    ("AtAllMarker", r"^MSG_AT_ALL$", "The user ID that stands for @all in an @-text message.", False),
    ("ReadAllType", r"^READ_ALL_", "Which conversations setAllMessageRead marks read.", False),
    ("UserStatusType", r"^USER_STATUS_", "A user's online status (`statusType`). OFFLINE means the connection was lost without logout; UNLOGINED means the user logged out or never logged in.", True),
    ("IosOfflinePushSound", r"^IOS_OFFLINE_PUSH_", "The sound of an iOS offline push.", False),
]

def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()

def value_literal(v):
    return f'string_value: "{v}"' if isinstance(v, str) else f"number_value: {v}"

def doc_for(key):
    d = ann.get(key, {}).get("doc") if isinstance(ann.get(key), dict) else None
    return (d or "").replace("\n", " ").strip()

table = {k: v for k, v in types["TYPES"].items()}
used = set()
out = ['syntax = "proto3";', "", "package chatwire.v1;", "", 'import "chatwire/v1/options.proto";', ""]
for enum, pattern, doc, numeric in GROUPS:
    keys = [k for k in table if re.search(pattern, k) and k not in used]
    assert keys, enum
    used.update(keys)
    # group aliases: same value -> first key is the name, later keys aliases
    by_value = {}
    for k in keys:
        by_value.setdefault(json.dumps(table[k]), []).append(k)
    prefix = snake(enum)
    out += [f"// {enum}: {doc} Values are `TencentCloudChat.TYPES` constants.", f"enum {enum} {{",
            "  option (chatwire.v1.constant_table) = CONSTANT_TABLE_TYPES;"]
    has_zero = numeric and any(table[ks[0]] == 0 for ks in by_value.values())
    if not has_zero:
        out += [f"  // Not set.", f"  {prefix}_UNSPECIFIED = 0;"]
    n = 0
    for vkey, ks in by_value.items():
        v = table[ks[0]]
        main = ks[0]
        # prefer the chat-only/longer modern name as the main key when an alias exists
        if enum == "MessageElemType" and main in ("MSG_SOUND", "MSG_GEO"): ks = ks[1:] + ks[:1]; main = ks[0]
        if enum == "GroupType" and main in ("GRP_PRIVATE", "GRP_CHATROOM"): ks = ks[1:] + ks[:1]; main = ks[0]
        short = re.sub(r"^(MSG_PRIORITY_|CONV_MARK_TYPE_|CONV_AT_|CONV_|GRP_MBR_ROLE_|GRP_TIP_|GRP_PROFILE_|GRP_|MSG_REMIND_|GENDER_|KICKED_OUT_|ALLOW_TYPE_|FORBID_TYPE_|JOIN_OPTIONS_|JOIN_STATUS_|INVITE_OPTIONS_|SNS_ADD_TYPE_|SNS_DELETE_TYPE_|SNS_APPLICATION_TYPE_|SNS_APPLICATION_|SNS_CHECK_TYPE_|SNS_TYPE_|NET_STATE_|READ_ALL_|USER_STATUS_|IOS_OFFLINE_PUSH_|MSG_)", "", main)
        if numeric:
            number = v
            name = f"{prefix}_{short}" if v != 0 else f"{prefix}_UNSPECIFIED"
        else:
            n += 1
            number = n
            name = f"{prefix}_{short}"
        d = doc_for(main) or f"`TYPES.{main}`."
        out.append(f"  // {d}")
        aliases = "".join(f' aliases: "{a}"' for a in ks[1:])
        out.append(f'  {name} = {number} [(chatwire.v1.constant) = {{name: "{main}"{aliases} {value_literal(v)}}}];')
    out += ["}", ""]
missing = set(table) - used
assert not missing, missing

# TSignaling action types
ts = types["TSignaling"]
out += ["// SignalingActionType is the action a signaling message carries (`TencentCloudChat.TSignaling.ACTION_TYPE_*`).",
        "enum SignalingActionType {", "  option (chatwire.v1.constant_table) = CONSTANT_TABLE_TSIGNALING;"]
for k, v in ts.items():
    if not k.startswith("ACTION_TYPE_"): continue
    short = k[len("ACTION_TYPE_"):]
    name = "SIGNALING_ACTION_TYPE_UNSPECIFIED" if v == 0 else f"SIGNALING_ACTION_TYPE_{short}"
    out.append(f"  // `TSignaling.{k}`.")
    out.append(f'  {name} = {v} [(chatwire.v1.constant) = {{name: "{k}" number_value: {v}}}];')
out += ["}", ""]
(root / "proto/chatwire/v1/types.proto").write_text("\n".join(out))

# Event names
eann = events.get("annotations", {})
payloads = events.get("documentedPayloads", {})
out = ['syntax = "proto3";', "", "package chatwire.v1;", "", 'import "chatwire/v1/options.proto";', "",
       "// EventName lists every `TencentCloudChat.EVENT` name with its official runtime value. Events the server pushes",
       "// are variants of `Event` (event.proto) bound to a name here; the rest are raised by the facade itself.",
       "enum EventName {", "  option (chatwire.v1.constant_table) = CONSTANT_TABLE_EVENT;", "  // Not an event.", "  EVENT_NAME_UNSPECIFIED = 0;"]
for i, (k, v) in enumerate(events["EVENT"].items(), 1):
    a = eann.get(k, {}) if isinstance(eann.get(k), dict) else {}
    d = (a.get("doc") or "").replace("\n", " ").strip()
    p = payloads.get(k, "")
    text = " ".join(x for x in [d, f"Payload: {p}." if p else ""] if x) or f"`EVENT.{k}`."
    out.append(f"  // {text}")
    client = " raised_by_client: true" if k in ("SDK_READY", "SDK_NOT_READY", "SDK_DESTROY", "ERROR", "NET_STATE_CHANGE") else ""
    out.append(f'  EVENT_NAME_{k} = {i} [(chatwire.v1.constant) = {{name: "{k}" string_value: "{v}"{client}}}];')
out += ["}", "",
        "// SignalingEventName lists every `TencentCloudChat.TSignaling` event name with its official runtime value.",
        "enum SignalingEventName {", "  option (chatwire.v1.constant_table) = CONSTANT_TABLE_TSIGNALING;", "  // Not an event.", "  SIGNALING_EVENT_NAME_UNSPECIFIED = 0;"]
i = 0
for k, v in ts.items():
    if k.startswith("ACTION_TYPE_"): continue
    i += 1
    out.append(f"  // `TSignaling.{k}`.")
    out.append(f'  SIGNALING_EVENT_NAME_{k} = {i} [(chatwire.v1.constant) = {{name: "{k}" string_value: "{v}"}}];')
out += ["}", ""]
(root / "proto/chatwire/v1/event_name.proto").write_text("\n".join(out))
print("ok")
