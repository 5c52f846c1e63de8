// Profiles and blacklist: the official results are the profile itself, the profile list or the bare user ID list,
// and a profile whose gender was never set reads gender "" (the official runtime default).
import type { BlacklistUpdated, ProfileUpdated } from "../../gen/chatwire/v1/profile_pb.js";
import {
  ProfileSchema,
  type AddToBlacklistResponse,
  type GetBlacklistResponse,
  type GetMyProfileResponse,
  type GetUserProfileResponse,
  type Profile,
  type RemoveFromBlacklistResponse,
  type UpdateMyProfileResponse,
} from "../../gen/chatwire/v1/profile_pb.js";
import { toOfficial, type OfficialObject } from "../official-shape.js";
import type { EventAdapter, MethodAdapter } from "./method-adapter.js";

/** Returns the official shape of a profile. */
export function officialProfile(profile: Profile | undefined): OfficialObject {
  const official = toOfficial(ProfileSchema, (profile ?? { userId: "" }) as unknown as Record<string, unknown>);
  if (!profile?.gender) official.gender = "";
  return official;
}

/** getMyProfile resolves the profile. */
export const getMyProfile: MethodAdapter<GetMyProfileResponse> = { response: (r) => officialProfile(r.profile) };
/** getUserProfile resolves the profile list. */
export const getUserProfile: MethodAdapter<GetUserProfileResponse> = { response: (r) => r.profileList.map(officialProfile) };
/** updateMyProfile resolves the profile after the change. */
export const updateMyProfile: MethodAdapter<UpdateMyProfileResponse> = { response: (r) => officialProfile(r.profile) };
/** The blacklist calls resolve the bare list of user IDs. */
export const getBlacklist: MethodAdapter<GetBlacklistResponse> = { response: (r) => [...r.userIdList] };
export const addToBlacklist: MethodAdapter<AddToBlacklistResponse> = { response: (r) => [...r.userIdList] };
export const removeFromBlacklist: MethodAdapter<RemoveFromBlacklistResponse> = { response: (r) => [...r.userIdList] };

/** PROFILE_UPDATED carries `Array<Profile>`. */
export const profileUpdated: EventAdapter<ProfileUpdated> = (payload) => payload.profileList.map(officialProfile);
/** BLACKLIST_UPDATED carries the bare list of user IDs. */
export const blacklistUpdated: EventAdapter<BlacklistUpdated> = (payload) => [...payload.userIdList];
