// searchCloudUsers: every account of the application found by user ID or nickname (substrings, OR or AND), narrowed
// by gender and birthday, paged in user ID order with an opaque cursor, through user-search-store.ts.
import type { SearchCloudUsersRequest, SearchCloudUsersResponse } from "../../gen/chatwire/v1/search_pb.js";
import { CloudSearchKeywordMatchType } from "../../gen/chatwire/v1/search_pb.js";
import { Gender } from "../../gen/chatwire/v1/types_pb.js";
import type { Profile } from "../../gen/chatwire/v1/profile_pb.js";
import { chatError } from "../rpc/chat-error.js";
import type { UserCriteria, UserSearchStore } from "./user-search-store.js";

const INVALID_PARAMETER = 70402;
const DEFAULT_COUNT = 20;
const MAX_KEYWORD_CHARS = 100;

export interface CloudUserSearchDeps {
  index: UserSearchStore;
  /** The profiles of the known users among these IDs, in the order asked (Profiles.ofUsers). */
  profilesOf(userIds: readonly string[]): Promise<Profile[]>;
}

function invalid(message: string): never {
  throw chatError(INVALID_PARAMETER, message);
}

/** The keywords and match type every cloud search takes. */
export function keywordsOf(list: readonly string[], match: CloudSearchKeywordMatchType): { keywords: string[]; matchAll: boolean } {
  const keywords = [...new Set(list)];
  if (keywords.length === 0) invalid("keywordList needs 1 to 5 keywords");
  for (const k of keywords) {
    if (k.trim() === "") invalid("a keyword cannot be empty");
    if ([...k].length > MAX_KEYWORD_CHARS) invalid(`a keyword is at most ${MAX_KEYWORD_CHARS} characters`);
  }
  if (!(match in CloudSearchKeywordMatchType)) invalid("keywordListMatchType must be 'or' or 'and'");
  return { keywords, matchAll: match === CloudSearchKeywordMatchType.AND };
}

export class CloudUserSearch {
  constructor(private readonly deps: CloudUserSearchDeps) {}

  async search(req: SearchCloudUsersRequest): Promise<Omit<SearchCloudUsersResponse, "$typeName">> {
    const criteria: UserCriteria = keywordsOf(req.keywordList, req.keywordListMatchType);
    if (req.gender !== Gender.UNSPECIFIED) {
      if (req.gender !== Gender.FEMALE && req.gender !== Gender.MALE) invalid("gender must be female or male");
      criteria.gender = req.gender;
    }
    if (req.miniBirthday > 0 || req.maxBirthday > 0) {
      criteria.minBirthday = req.miniBirthday;
      criteria.maxBirthday = req.maxBirthday > 0 ? req.maxBirthday : 4294967295;
      if (criteria.minBirthday > criteria.maxBirthday) invalid("miniBirthday is after maxBirthday");
    }
    const count = req.count === 0 ? DEFAULT_COUNT : req.count;
    let after: string | undefined;
    if (req.cursor) {
      let parsed: unknown;
      try {
        parsed = req.cursor.length <= 512 ? JSON.parse(Buffer.from(req.cursor, "base64url").toString("utf8")) : undefined;
      } catch {
        parsed = undefined;
      }
      const u = (parsed as { u?: unknown } | null | undefined)?.u;
      if (typeof u !== "string") invalid("cursor is not one this server returned");
      after = u;
    }
    const { total, userIds } = await this.deps.index.search(criteria, after, count + 1);
    const page = userIds.slice(0, count);
    return {
      searchResultList: await this.deps.profilesOf(page),
      cursor: userIds.length > count ? Buffer.from(JSON.stringify({ u: page.at(-1) })).toString("base64url") : "",
      totalCount: total,
    };
  }
}
