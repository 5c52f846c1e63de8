// User status: the official results keep three fields of a status and rename failures, and USER_STATUS_UPDATED
// carries a bare array.
import type { UserStatusUpdated } from "../../gen/chatwire/v1/event_pb.js";
import type {
  GetUserStatusResponse,
  SetSelfStatusResponse,
  SubscribeUserStatusResponse,
  UnsubscribeUserStatusResponse,
  UserStatus,
  UserStatusFailure,
} from "../../gen/chatwire/v1/user_status_pb.js";
import type { EventAdapter, MethodAdapter } from "./method-adapter.js";

/** A status as the official SDK reports it. */
export interface OfficialUserStatus {
  userID: string;
  statusType: number;
  customStatus: string;
}

/** A failed user ID as the official SDK reports it. */
export interface OfficialUserStatusFailure {
  userID: string;
  code: number;
  message: string;
}

/** Returns the official shape of a status. */
export function officialStatus(status: UserStatus | undefined): OfficialUserStatus {
  return { userID: status?.userId ?? "", statusType: status?.statusType ?? 0, customStatus: status?.customStatus ?? "" };
}

function officialFailure(failure: UserStatusFailure): OfficialUserStatusFailure {
  return { userID: failure.userId, code: failure.code, message: failure.message };
}

/** setSelfStatus resolves the caller's status: `{userID, statusType, customStatus}`. */
export const setSelfStatus: MethodAdapter<SetSelfStatusResponse> = {
  response: (response) => officialStatus(response.status),
};

/** getUserStatus resolves `{successUserList, failureUserList}`. */
export const getUserStatus: MethodAdapter<GetUserStatusResponse> = {
  response: (response) => ({
    successUserList: response.successUserList.map(officialStatus),
    failureUserList: response.failureUserList.map(officialFailure),
  }),
};

/** subscribeUserStatus resolves `{failureUserList}` only. */
export const subscribeUserStatus: MethodAdapter<SubscribeUserStatusResponse> = {
  response: (response) => ({ failureUserList: response.failureUserList.map(officialFailure) }),
};

/** unsubscribeUserStatus resolves `{failureUserList}`; no list (or an empty one) cancels every subscription. */
export const unsubscribeUserStatus: MethodAdapter<UnsubscribeUserStatusResponse> = {
  response: (response) => ({ failureUserList: response.failureUserList.map(officialFailure) }),
};

/** USER_STATUS_UPDATED carries `Array<{userID, statusType, customStatus}>`. */
export const userStatusUpdated: EventAdapter<UserStatusUpdated> = (payload) =>
  payload.userStatusList.map(officialStatus);
