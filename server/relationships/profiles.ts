// Profiles: every user's standard and custom profile fields. A user who never set a field has the official
// defaults. A change is stored before updateMyProfile answers and before PROFILE_UPDATED reaches the user's other
// sessions and the users who have it as a friend. Profiles are the conversations' and messages' ProfileSource.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ProfileSchema, type Profile, type UpdateMyProfileRequest } from "../../gen/chatwire/v1/profile_pb.js";
import { AllowType, ForbidType, Gender } from "../../gen/chatwire/v1/types_pb.js";
import type { Accounts } from "../accounts/accounts.js";
import type { Clock } from "../clock.js";
import type { ProfileSource } from "../conversations/conversations.js";
import type { EventBus } from "../events/event-bus.js";
import { chatError } from "../rpc/chat-error.js";
import { indexProfile } from "../search/user-search-store.js";
import { lockKeys } from "../storage/sql-helpers.js";
import type { Db } from "../storage/db.js";
import { checkCustomFields, mergeCustomFields } from "./custom-fields.js";
import type { FriendStore } from "./friend-store.js";
import type { ProfileStore } from "./profile-store.js";
import type { RelationshipOptions } from "./relationship-options.js";

const UPDATE_PROFILE_INVALID_PARAM = 2721;
const UPDATE_PROFILE_NO_KEY = 2722;
/** The most user IDs one getUserProfile serves (the official SDK keeps the first 100). */
export const MAX_PROFILE_QUERY = 100;
/** The most friends, and the most C2C peers, told of one profile change besides the user's own sessions. */
const MAX_PROFILE_AUDIENCE = 3000;
const CUSTOM_PREFIX = "Tag_Profile_Custom";

export interface ProfilesDeps {
  db: Db;
  store: ProfileStore;
  friends: FriendStore;
  accounts: Accounts;
  bus: EventBus;
  clock: Clock;
  options: RelationshipOptions;
  /** The users holding a C2C conversation with a user (the conversations domain's seam), at most `limit`. */
  conversationPeers?: (userId: string, limit: number) => Promise<string[]>;
}

/** The profile of a user who never set a field: the official defaults. */
export function defaultProfile(userId: string): Profile {
  return create(ProfileSchema, { userId, allowType: AllowType.ALLOW_ANY, adminForbidType: ForbidType.NONE });
}

export class Profiles implements ProfileSource {
  private readonly declared: Set<string>;

  constructor(private readonly deps: ProfilesDeps) {
    this.declared = new Set(deps.options.profileCustomFields);
  }

  /** The profiles of `userIds` (defaults for users who never set one), without checking they exist. */
  async profilesOf(userIds: readonly string[]): Promise<Map<string, Profile>> {
    const unique = [...new Set(userIds)];
    const stored = await this.deps.store.get(unique);
    return new Map(unique.map((id) => [id, this.decode(id, stored.get(id))]));
  }

  /** ProfileSource: nick and avatar of users, for conversations and messages. */
  async getProfiles(userIds: readonly string[]): Promise<Map<string, Pick<Profile, "userId" | "nick" | "avatar">>> {
    return this.profilesOf(userIds);
  }

  async mine(userId: string): Promise<Profile> {
    return (await this.profilesOf([userId])).get(userId)!;
  }

  /** The profiles of the known users among the first 100 IDs, in the order asked. */
  async ofUsers(userIds: readonly string[]): Promise<Profile[]> {
    const ids = [...new Set(userIds.slice(0, MAX_PROFILE_QUERY))];
    const known = await this.deps.accounts.existing(ids);
    const profiles = await this.profilesOf(ids.filter((id) => known.has(id)));
    return ids.flatMap((id) => (known.has(id) ? [profiles.get(id)!] : []));
  }

  /**
   * Updates `userId`'s profile; PROFILE_UPDATED reaches its sessions but `exceptSessionId` (the calling one, which
   * has the answer), the users who have it as a friend and those holding a C2C conversation with it.
   */
  async update(userId: string, req: UpdateMyProfileRequest, exceptSessionId?: string): Promise<Profile> {
    const custom = checkCustomFields(req.profileCustomField, CUSTOM_PREFIX, this.declared, UPDATE_PROFILE_INVALID_PARAM);
    const changes: Partial<Profile> = {};
    if (req.nick !== undefined) changes.nick = req.nick;
    if (req.avatar !== undefined) changes.avatar = req.avatar;
    if (req.gender !== Gender.UNSPECIFIED) changes.gender = req.gender;
    if (req.selfSignature !== undefined) changes.selfSignature = req.selfSignature;
    if (req.allowType !== AllowType.UNSPECIFIED) changes.allowType = req.allowType;
    if (req.birthday !== undefined) changes.birthday = req.birthday;
    if (req.location !== undefined) changes.location = req.location;
    if (req.language !== undefined) changes.language = req.language;
    if (req.messageSettings !== undefined) {
      if (req.messageSettings > 1) throw chatError(UPDATE_PROFILE_INVALID_PARAM, "messageSettings must be 0 or 1");
      changes.messageSettings = req.messageSettings;
    }
    if (req.adminForbidType !== ForbidType.UNSPECIFIED) changes.adminForbidType = req.adminForbidType;
    if (req.level !== undefined) changes.level = req.level;
    if (req.role !== undefined) changes.role = req.role;
    if (Object.keys(changes).length === 0 && custom.length === 0) throw chatError(UPDATE_PROFILE_NO_KEY, "no profile field to update");

    await this.deps.accounts.ensure([userId]);
    const now = this.deps.clock.now();
    const { profile, audience } = await this.deps.db.transact(async (trx) => {
      await lockKeys(trx, this.deps.db.engine, [`profile:${userId}`]);
      const current = this.decode(userId, (await this.deps.store.get([userId], trx)).get(userId));
      const next = create(ProfileSchema, { ...current, ...changes, userId, lastUpdatedTime: BigInt(now) });
      next.profileCustomField = mergeCustomFields(current.profileCustomField, custom).map((f) => ({ $typeName: "chatwire.v1.ProfileCustomField" as const, ...f }));
      await this.deps.store.put(trx, userId, toBinary(ProfileSchema, next), now);
      await indexProfile(trx, userId, next);
      const audience = await this.deps.friends.haveAsFriend(userId, MAX_PROFILE_AUDIENCE, trx);
      return { profile: next, audience };
    });
    // The change is durable: a failed peer lookup only narrows who hears of it.
    const peers = (await this.deps.conversationPeers?.(userId, MAX_PROFILE_AUDIENCE).catch(() => [])) ?? [];
    const others = [...new Set([...audience, ...peers])].filter((id) => id !== userId);
    const payload = { case: "profileUpdated" as const, value: { $typeName: "chatwire.v1.ProfileUpdated" as const, profileList: [profile] } };
    this.deps.bus.publish([userId], payload, { exceptSessionId });
    if (others.length > 0) this.deps.bus.publish(others, payload);
    return profile;
  }

  private decode(userId: string, body: Uint8Array | undefined): Profile {
    if (!body) return defaultProfile(userId);
    const profile = fromBinary(ProfileSchema, body);
    // Only declared custom fields are served (an administrator may withdraw one).
    profile.profileCustomField = profile.profileCustomField.filter((f) => this.declared.has(f.key));
    return profile;
  }
}
