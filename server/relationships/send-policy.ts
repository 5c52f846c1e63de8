// What relationships change in messaging: a C2C message from a user the receiver blacklisted is refused with 20007;
// with the `friendCheck` option on, one between users who are not friends both ways with 20009.
import type { SendPolicy } from "../messages/messages.js";
import type { FriendStore } from "./friend-store.js";
import type { ProfileStore } from "./profile-store.js";
import type { RelationshipOptions } from "./relationship-options.js";

const BLACKLISTED_BY_RECEIVER = 20007;
const NOT_FRIENDS = 20009;

export function createSendPolicy(profiles: ProfileStore, friends: FriendStore, options: RelationshipOptions): SendPolicy {
  return {
    async check(senderId, receiverId) {
      if (senderId === receiverId) return 0;
      if (await profiles.isBlacklisted(receiverId, senderId)) return BLACKLISTED_BY_RECEIVER;
      if (options.friendCheck) {
        const [a, b] = await Promise.all([friends.isFriend(senderId, receiverId), friends.isFriend(receiverId, senderId)]);
        if (!a || !b) return NOT_FRIENDS;
      }
      return 0;
    },
  };
}
