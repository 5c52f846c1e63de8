// Every table of the server, for Kysely's types. Each domain declares its tables beside the store that owns them
// and adds them here; no domain reads another's tables.
import type { AccountTables } from "../accounts/account-store.js";
import type { ConversationTables } from "../conversations/conversation-store.js";
import type { FileTables } from "../files/file-store.js";
import type { FriendTables } from "../relationships/friend-store.js";
import type { GroupTables } from "../groups/group-store.js";
import type { InteractionTables } from "../interactions/interaction-store.js";
import type { MessageTables } from "../messages/message-store.js";
import type { PresenceTables } from "../presence/presence-store.js";
import type { FollowTables } from "../relationships/follow-store.js";
import type { ProfileTables } from "../relationships/profile-store.js";
import type { MessageSearchTables } from "../search/message-search-store.js";
import type { UserSearchTables } from "../search/user-search-store.js";
import type { GroupSearchTables } from "../search/group-search-store.js";
import type { SignalingTables } from "../signaling/signaling-store.js";
import type { TimerTables } from "../timers/timer-store.js";

export interface Database extends AccountTables, PresenceTables, TimerTables, ConversationTables, MessageTables, FileTables, ProfileTables, FriendTables, FollowTables, GroupTables, SignalingTables, InteractionTables, MessageSearchTables, UserSearchTables, GroupSearchTables {}
