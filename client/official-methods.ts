// The 149 methods of the object the official `TencentCloudChat.create()` returns, with the facts the facade's
// middleware needs: the not-ready allow-list, whether the method is declared synchronous, its positional parameter
// names and the runtime parameter schema of @tencentcloud/chat 3.6.6. Transcribed from
// shared/reference/methods.json (`allowedBeforeReady`, `returns`, `params`, `runtimeParamSchema`);
// test/client/official-methods.test.ts keeps it equal to that file.

/** One rule of the official runtime parameter validator. */
export interface ParamRule {
  /** The expected type, as the official table spells it ("String", "Array", "Object", "number", ...). */
  readonly type: string;
  /** Whether an empty value (undefined, null, "", [], 0, {}) fails. */
  readonly required?: boolean;
  /** Whether the official table adds a custom check (see param-validators.ts). */
  readonly hasCustomValidator?: boolean;
  /** The parameter name, for positional schemas. */
  readonly name?: string;
  /** A nested rule the official table carries inside `payload` (image messages). */
  readonly onProgress?: ParamRule;
}

/** Object form: rules for the keys of the single options argument. Array form: rules for positional arguments. */
export type ParamSchema = Readonly<Record<string, ParamRule>> | readonly ParamRule[];

/** What the facade needs to know about one official method. */
export interface OfficialMethod {
  /** The domain methods.json files the method under. */
  readonly domain: string;
  /** Whether the official middleware lets the call through before SDK_READY. */
  readonly allowedBeforeReady: boolean;
  /** Whether the method is declared synchronous (returns a value, not a Promise). */
  readonly sync: boolean;
  /** The declared positional parameter names ("options" for an options object). */
  readonly params: readonly string[];
  /** The official runtime parameter schema; null when the official SDK validates nothing up front. */
  readonly schema: ParamSchema | null;
}

/** Every official method by name, in methods.json order. */
export const officialMethods = {
  login: {
    domain: "login/basic", allowedBeforeReady: true, sync: false, params: ["options"],
    schema: {
      userID: { type: "String", required: true },
      userSig: { type: "String", required: true },
    },
  },
  logout: {
    domain: "login/basic", allowedBeforeReady: true, sync: false, params: [],
    schema: null,
  },
  getLoginUser: {
    domain: "login/basic", allowedBeforeReady: true, sync: true, params: [],
    schema: null,
  },
  getServerTime: {
    domain: "login/basic", allowedBeforeReady: false, sync: true, params: [],
    schema: null,
  },
  isReady: {
    domain: "login/basic", allowedBeforeReady: true, sync: true, params: [],
    schema: null,
  },
  destroy: {
    domain: "login/basic", allowedBeforeReady: true, sync: false, params: [],
    schema: null,
  },
  on: {
    domain: "login/basic", allowedBeforeReady: true, sync: true, params: ["eventName", "handler", "context"],
    schema: [
      { name: "eventName", type: "String", hasCustomValidator: true },
      { name: "handler", type: "Function", hasCustomValidator: true },
    ],
  },
  once: {
    domain: "login/basic", allowedBeforeReady: false, sync: true, params: ["eventName", "handler", "context"],
    schema: [
      { name: "eventName", type: "String", hasCustomValidator: true },
      { name: "handler", type: "Function", hasCustomValidator: true },
    ],
  },
  off: {
    domain: "login/basic", allowedBeforeReady: true, sync: true, params: ["eventName", "handler", "context"],
    schema: [
      { name: "eventName", type: "String", hasCustomValidator: true },
      { name: "handler", type: "Function", hasCustomValidator: true },
    ],
  },
  registerPlugin: {
    domain: "login/basic", allowedBeforeReady: true, sync: true, params: ["options"],
    schema: null,
  },
  setLogLevel: {
    domain: "login/basic", allowedBeforeReady: true, sync: true, params: ["level"],
    schema: null,
  },
  createTextMessage: {
    domain: "message", allowedBeforeReady: false, sync: true, params: ["options"],
    schema: {
      to: { type: "String", required: true },
      conversationType: { type: "String", required: true },
      payload: { type: "Object", required: true, hasCustomValidator: true },
    },
  },
  createTextAtMessage: {
    domain: "message", allowedBeforeReady: false, sync: true, params: ["options"],
    schema: {
      to: { type: "String", required: true },
      conversationType: { type: "String", required: true },
      payload: { type: "Object", required: true, hasCustomValidator: true },
    },
  },
  createImageMessage: {
    domain: "message", allowedBeforeReady: false, sync: true, params: ["options"],
    schema: {
      to: { type: "String", required: true },
      conversationType: { type: "String", required: true },
      payload: { type: "Object", required: true, hasCustomValidator: true, onProgress: { type: "Function", required: false, hasCustomValidator: true } },
    },
  },
  createAudioMessage: {
    domain: "message", allowedBeforeReady: false, sync: true, params: ["options"],
    schema: {
      to: { type: "String", required: true },
      conversationType: { type: "String", required: true },
      payload: { type: "Object", required: true, hasCustomValidator: true },
      onProgress: { type: "Function", required: false, hasCustomValidator: true },
    },
  },
  createVideoMessage: {
    domain: "message", allowedBeforeReady: false, sync: true, params: ["options"],
    schema: {
      to: { type: "String", required: true },
      conversationType: { type: "String", required: true },
      payload: { type: "Object", required: true, hasCustomValidator: true },
      onProgress: { type: "Function", required: false, hasCustomValidator: true },
    },
  },
  createCustomMessage: {
    domain: "message", allowedBeforeReady: false, sync: true, params: ["options"],
    schema: {
      to: { type: "String", required: true },
      conversationType: { type: "String", required: true },
      payload: { type: "Object", required: true, hasCustomValidator: true },
    },
  },
  createFaceMessage: {
    domain: "message", allowedBeforeReady: false, sync: true, params: ["options"],
    schema: {
      to: { type: "String", required: true },
      conversationType: { type: "String", required: true },
      payload: { type: "Object", required: true, hasCustomValidator: true },
    },
  },
  createFileMessage: {
    domain: "message", allowedBeforeReady: false, sync: true, params: ["options"],
    schema: {
      to: { type: "String", required: true },
      conversationType: { type: "String", required: true },
      payload: { type: "Object", required: true, hasCustomValidator: true },
      onProgress: { type: "Function", required: false, hasCustomValidator: true },
    },
  },
  createLocationMessage: {
    domain: "message", allowedBeforeReady: false, sync: true, params: ["options"],
    schema: {
      to: { type: "String", required: true },
      conversationType: { type: "String", required: true },
      payload: { type: "Object", required: true, hasCustomValidator: true },
    },
  },
  createMergerMessage: {
    domain: "message", allowedBeforeReady: false, sync: true, params: ["options"],
    schema: {
      to: { type: "String", required: true },
      conversationType: { type: "String", required: true },
      payload: { type: "Object", required: true, hasCustomValidator: true },
    },
  },
  downloadMergerMessage: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: null,
  },
  createForwardMessage: {
    domain: "message", allowedBeforeReady: false, sync: true, params: ["options"],
    schema: null,
  },
  sendMessage: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["message", "options"],
    schema: [
      { name: "message", type: "Object", required: true },
    ],
  },
  resendMessage: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["message", "options"],
    schema: null,
  },
  revokeMessage: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["message"],
    schema: [
      { name: "message", type: "Object", required: true, hasCustomValidator: true },
    ],
  },
  deleteMessage: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["messageList"],
    schema: [
      { name: "messageList", type: "Array", required: true, hasCustomValidator: true },
    ],
  },
  modifyMessage: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["message"],
    schema: [
      { name: "message", type: "Object", required: true, hasCustomValidator: true },
    ],
  },
  translateText: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      sourceTextList: { type: "Array", required: true },
      sourceLanguage: { type: "String", required: true },
      targetLanguage: { type: "String", required: true },
    },
  },
  convertVoiceToText: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      message: { type: "Object", required: true, hasCustomValidator: true },
    },
  },
  setMessageExtensions: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["message", "extensions"],
    schema: [
      { name: "message", type: "Object", required: true, hasCustomValidator: true },
      { name: "extensions", type: "Array", required: true },
    ],
  },
  getMessageExtensions: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["message", "keyList"],
    schema: [
      { name: "message", type: "Object", required: true, hasCustomValidator: true },
    ],
  },
  deleteMessageExtensions: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["message", "keyList"],
    schema: [
      { name: "message", type: "Object", required: true, hasCustomValidator: true },
    ],
  },
  addMessageReaction: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["message", "reactionID"],
    schema: [
      { name: "message", type: "Object", required: true, hasCustomValidator: true },
      { name: "reactionID", type: "String", required: true },
    ],
  },
  removeMessageReaction: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["message", "reactionID"],
    schema: [
      { name: "message", type: "Object", required: true, hasCustomValidator: true },
      { name: "reactionID", type: "String", required: true },
    ],
  },
  getMessageReactions: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      messageList: { type: "Array", required: true },
    },
  },
  getAllUserListOfMessageReaction: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      message: { type: "Object", required: true, hasCustomValidator: true },
      reactionID: { type: "String", required: true },
      nextSeq: { type: "Number" },
      count: { type: "Number" },
    },
  },
  getMessageList: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      conversationID: { type: "String", required: true, hasCustomValidator: true },
      nextReqMessageID: { type: "String" },
      count: { type: "Number", hasCustomValidator: true },
    },
  },
  getMessageListHopping: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      conversationID: { type: "String", required: true, hasCustomValidator: true },
      sequence: { type: "Number" },
      time: { type: "Number" },
      direction: { type: "Number", hasCustomValidator: true },
      count: { type: "Number", hasCustomValidator: true },
    },
  },
  findMessage: {
    domain: "message", allowedBeforeReady: false, sync: true, params: ["messageID"],
    schema: null,
  },
  setMessageRead: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      conversationID: { type: "String", required: true, hasCustomValidator: true },
    },
  },
  sendMessageReadReceipt: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["messageList"],
    schema: [
      { name: "messageList", type: "Array", hasCustomValidator: true },
    ],
  },
  getMessageReadReceiptList: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["messageList"],
    schema: [
      { name: "messageList", type: "Array", hasCustomValidator: true },
    ],
  },
  getGroupMessageReadMemberList: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: null,
  },
  searchCloudMessages: {
    domain: "message", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      keywordList: { type: "Array", required: false, hasCustomValidator: true },
      keywordListMatchType: { type: "String", required: false, hasCustomValidator: true },
      cursor: { type: "String", required: false },
      senderUserIDList: { type: "Array", required: false, hasCustomValidator: true },
      messageTypeList: { type: "Array", required: false, hasCustomValidator: true },
      conversationID: { type: "String", required: false, hasCustomValidator: true },
      timePosition: { type: "number", required: false, hasCustomValidator: true },
      timePeriod: { type: "number", required: false, hasCustomValidator: true },
    },
  },
  getConversationList: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: null,
  },
  getConversationProfile: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["conversationID"],
    schema: [
      { name: "conversationID", type: "String", required: true, hasCustomValidator: true },
    ],
  },
  deleteConversation: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: null,
  },
  setConversationDraft: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      conversationID: { type: "String", required: true, hasCustomValidator: true },
      draftText: { type: "String", hasCustomValidator: true },
    },
  },
  clearHistoryMessage: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["conversationID"],
    schema: [
      { name: "conversationID", type: "String", required: true, hasCustomValidator: true },
    ],
  },
  pinConversation: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      conversationID: { type: "String", required: true, hasCustomValidator: true },
      isPinned: { type: "Boolean", required: true },
    },
  },
  setAllMessageRead: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      scope: { type: "String", required: false, hasCustomValidator: true },
    },
  },
  setMessageRemindType: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: null,
  },
  setAllReceiveMessageOpt: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: null,
  },
  getAllReceiveMessageOpt: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: [],
    schema: null,
  },
  getTotalUnreadMessageCount: {
    domain: "conversation", allowedBeforeReady: false, sync: true, params: [],
    schema: null,
  },
  setConversationCustomData: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      conversationIDList: { type: "Array", required: true },
      customData: { type: "String", hasCustomValidator: true },
    },
  },
  markConversation: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      conversationIDList: { type: "Array", required: true },
      markType: { type: "number", hasCustomValidator: true },
      enableMark: { type: "Boolean", required: true },
    },
  },
  getConversationGroupList: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: [],
    schema: null,
  },
  createConversationGroup: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      conversationIDList: { type: "Array", required: true },
      groupName: { type: "String", required: true, hasCustomValidator: true },
    },
  },
  deleteConversationGroup: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["groupName"],
    schema: [
      { name: "groupName", type: "String", required: true },
    ],
  },
  renameConversationGroup: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      oldName: { type: "String", required: true },
      newName: { type: "String", required: true, hasCustomValidator: true },
    },
  },
  addConversationsToGroup: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      conversationIDList: { type: "Array", required: true },
      groupName: { type: "String", required: true },
    },
  },
  deleteConversationsFromGroup: {
    domain: "conversation", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      conversationIDList: { type: "Array", required: true },
      groupName: { type: "String", required: true },
    },
  },
  getMyProfile: {
    domain: "profile/blacklist", allowedBeforeReady: false, sync: false, params: [],
    schema: null,
  },
  getUserProfile: {
    domain: "profile/blacklist", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userIDList: { type: "Array", hasCustomValidator: true },
    },
  },
  updateMyProfile: {
    domain: "profile/blacklist", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      profileCustomField: { type: "Array", hasCustomValidator: true },
    },
  },
  getBlacklist: {
    domain: "profile/blacklist", allowedBeforeReady: false, sync: false, params: [],
    schema: null,
  },
  addToBlacklist: {
    domain: "profile/blacklist", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userIDList: { type: "Array", required: true },
    },
  },
  removeFromBlacklist: {
    domain: "profile/blacklist", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userIDList: { type: "Array", required: true },
    },
  },
  setSelfStatus: {
    domain: "user status", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      customStatus: { type: "String", hasCustomValidator: true },
    },
  },
  getUserStatus: {
    domain: "user status", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userIDList: { type: "Array", hasCustomValidator: true },
    },
  },
  subscribeUserStatus: {
    domain: "user status", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userIDList: { type: "Array", hasCustomValidator: true },
    },
  },
  unsubscribeUserStatus: {
    domain: "user status", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userIDList: { type: "Array", hasCustomValidator: true },
    },
  },
  getFriendList: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: [],
    schema: null,
  },
  addFriend: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      to: { type: "String", required: true },
      source: { type: "String", required: true, hasCustomValidator: true },
      remark: { type: "String", required: false, hasCustomValidator: true },
    },
  },
  deleteFriend: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userIDList: { type: "Array", required: true },
    },
  },
  checkFriend: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userIDList: { type: "Array", required: true },
    },
  },
  getFriendProfile: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userIDList: { type: "Array", required: true },
    },
  },
  updateFriend: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userID: { type: "String", required: true },
      remark: { type: "String", required: false, hasCustomValidator: true },
      friendCustomField: { type: "Array", required: false, hasCustomValidator: true },
    },
  },
  getFriendApplicationList: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: [],
    schema: null,
  },
  acceptFriendApplication: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userID: { type: "String", required: true },
    },
  },
  refuseFriendApplication: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userID: { type: "String", required: true },
    },
  },
  deleteFriendApplication: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userID: { type: "String", required: true },
    },
  },
  setFriendApplicationRead: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: [],
    schema: null,
  },
  getFriendGroupList: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: [],
    schema: null,
  },
  createFriendGroup: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      name: { type: "String", required: true },
    },
  },
  deleteFriendGroup: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      name: { type: "String", required: true },
    },
  },
  addToFriendGroup: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      name: { type: "String", required: true },
      userIDList: { type: "Array", required: true },
    },
  },
  removeFromFriendGroup: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      name: { type: "String", required: true },
      userIDList: { type: "Array", required: true },
    },
  },
  renameFriendGroup: {
    domain: "friend/friend group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      oldName: { type: "String", required: true },
      newName: { type: "String", required: true },
    },
  },
  followUser: {
    domain: "follow", allowedBeforeReady: false, sync: false, params: ["userIDList"],
    schema: [
      { name: "userIDList", type: "Array", required: true },
    ],
  },
  unfollowUser: {
    domain: "follow", allowedBeforeReady: false, sync: false, params: ["userIDList"],
    schema: [
      { name: "userIDList", type: "Array", required: true },
    ],
  },
  getMyFollowersList: {
    domain: "follow", allowedBeforeReady: false, sync: false, params: ["startIndex"],
    schema: [
      { name: "startIndex", type: "String", required: false },
    ],
  },
  getMyFollowingList: {
    domain: "follow", allowedBeforeReady: false, sync: false, params: ["startIndex"],
    schema: [
      { name: "startIndex", type: "String", required: false },
    ],
  },
  getMutualFollowersList: {
    domain: "follow", allowedBeforeReady: false, sync: false, params: ["startIndex"],
    schema: [
      { name: "startIndex", type: "String", required: false },
    ],
  },
  getUserFollowInfo: {
    domain: "follow", allowedBeforeReady: false, sync: false, params: ["userIDList"],
    schema: [
      { name: "userIDList", type: "Array", required: false },
    ],
  },
  checkFollowType: {
    domain: "follow", allowedBeforeReady: false, sync: false, params: ["userIDList"],
    schema: [
      { name: "userIDList", type: "Array", required: true },
    ],
  },
  getGroupList: {
    domain: "group", allowedBeforeReady: false, sync: false, params: [],
    schema: {
      groupProfileFilter: { type: "Array" },
    },
  },
  getGroupProfile: {
    domain: "group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      groupCustomFieldFilter: { type: "Array" },
      memberCustomFieldFilter: { type: "Array" },
    },
  },
  createGroup: {
    domain: "group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      name: { type: "String", required: true },
    },
  },
  dismissGroup: {
    domain: "group", allowedBeforeReady: false, sync: false, params: ["groupID"],
    schema: [
      { name: "groupID", type: "String", required: true },
    ],
  },
  updateGroupProfile: {
    domain: "group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      muteAllMembers: { type: "Boolean" },
    },
  },
  joinGroup: {
    domain: "group", allowedBeforeReady: true, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      type: { type: "String" },
      applyMessage: { type: "String" },
    },
  },
  quitGroup: {
    domain: "group", allowedBeforeReady: true, sync: false, params: ["groupID"],
    schema: [
      { name: "groupID", type: "String", required: true },
    ],
  },
  searchGroupByID: {
    domain: "group", allowedBeforeReady: false, sync: false, params: ["groupID"],
    schema: [
      { name: "groupID", type: "String", required: true },
    ],
  },
  getGroupOnlineMemberCount: {
    domain: "group", allowedBeforeReady: true, sync: false, params: ["groupID"],
    schema: [
      { name: "groupID", type: "String", required: true },
    ],
  },
  changeGroupOwner: {
    domain: "group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      newOwnerID: { type: "String", required: true },
    },
  },
  getGroupApplicationList: {
    domain: "group", allowedBeforeReady: false, sync: false, params: [],
    schema: null,
  },
  handleGroupApplication: {
    domain: "group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: null,
  },
  pinGroupMessage: {
    domain: "group", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      message: { type: "Object", required: true },
      isPinned: { type: "Boolean", required: true },
    },
  },
  getPinnedGroupMessageList: {
    domain: "group", allowedBeforeReady: false, sync: false, params: ["groupID"],
    schema: [
      { name: "groupID", type: "String", required: true },
    ],
  },
  getGroupMemberList: {
    domain: "group member", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      count: { type: "Number" },
    },
  },
  getGroupMemberProfile: {
    domain: "group member", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      userIDList: { type: "Array", required: true },
      memberCustomFieldFilter: { type: "Array" },
    },
  },
  addGroupMember: {
    domain: "group member", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      userIDList: { type: "Array", required: true },
    },
  },
  deleteGroupMember: {
    domain: "group member", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
    },
  },
  setGroupMemberMuteTime: {
    domain: "group member", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      userID: { type: "String", required: true },
      muteTime: { type: "Number", hasCustomValidator: true },
    },
  },
  setGroupMemberRole: {
    domain: "group member", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      userID: { type: "String", required: true },
      role: { type: "String", required: true },
    },
  },
  setGroupMemberNameCard: {
    domain: "group member", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      userID: { type: "String" },
      nameCard: { type: "String", hasCustomValidator: true },
    },
  },
  setGroupMemberCustomField: {
    domain: "group member", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      userID: { type: "String" },
      memberCustomField: { type: "Array", required: true },
    },
  },
  markGroupMemberList: {
    domain: "group member", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      markType: { type: "number", hasCustomValidator: true },
      userIDList: { type: "Array", required: true },
      enableMark: { type: "Boolean", required: true },
    },
  },
  initGroupAttributes: {
    domain: "group attributes/counters", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      groupAttributes: { type: "Object", required: true, hasCustomValidator: true },
    },
  },
  setGroupAttributes: {
    domain: "group attributes/counters", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      groupAttributes: { type: "Object", required: true, hasCustomValidator: true },
    },
  },
  deleteGroupAttributes: {
    domain: "group attributes/counters", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      keyList: { type: "Array", hasCustomValidator: true },
    },
  },
  getGroupAttributes: {
    domain: "group attributes/counters", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      keyList: { type: "Array", hasCustomValidator: true },
    },
  },
  setGroupCounters: {
    domain: "group attributes/counters", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      counters: { type: "Object", required: true },
    },
  },
  increaseGroupCounter: {
    domain: "group attributes/counters", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      key: { type: "String", required: true },
      value: { type: "number", required: true },
    },
  },
  decreaseGroupCounter: {
    domain: "group attributes/counters", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      key: { type: "String", required: true },
      value: { type: "number", required: true },
    },
  },
  getGroupCounters: {
    domain: "group attributes/counters", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
    },
  },
  getJoinedCommunityList: {
    domain: "community/topic", allowedBeforeReady: false, sync: false, params: [],
    schema: null,
  },
  createTopicInCommunity: {
    domain: "community/topic", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      topicName: { type: "String", required: true },
    },
  },
  deleteTopicFromCommunity: {
    domain: "community/topic", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      topicIDList: { type: "Array", hasCustomValidator: true },
    },
  },
  updateTopicProfile: {
    domain: "community/topic", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      topicID: { type: "String", required: true },
    },
  },
  getTopicList: {
    domain: "community/topic", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      topicIDList: { type: "Array", hasCustomValidator: true },
    },
  },
  addSignalingListener: {
    domain: "signaling", allowedBeforeReady: true, sync: true, params: ["eventName", "handler", "context"],
    schema: [
      { name: "eventName", type: "String", hasCustomValidator: true },
      { name: "handler", type: "Function", hasCustomValidator: true },
    ],
  },
  removeSignalingListener: {
    domain: "signaling", allowedBeforeReady: true, sync: true, params: ["eventName", "handler", "context"],
    schema: [
      { name: "eventName", type: "String", hasCustomValidator: true },
      { name: "handler", type: "Function", hasCustomValidator: true },
    ],
  },
  invite: {
    domain: "signaling", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      userID: { type: "String", required: true },
    },
  },
  inviteSync: {
    domain: "signaling", allowedBeforeReady: false, sync: true, params: ["options", "successCb", "errorCb"],
    schema: [
      { type: "Object", required: true, hasCustomValidator: true },
      { name: "successCb", type: "Function", required: false, hasCustomValidator: true },
      { name: "errorCb", type: "Function", required: false, hasCustomValidator: true },
    ],
  },
  inviteInGroup: {
    domain: "signaling", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      groupID: { type: "String", required: true },
      inviteeList: { type: "Array", required: true },
    },
  },
  inviteInGroupSync: {
    domain: "signaling", allowedBeforeReady: false, sync: true, params: ["options", "successCb", "errorCb"],
    schema: [
      { type: "Object", required: true, hasCustomValidator: true },
      { name: "successCb", type: "Function", required: false, hasCustomValidator: true },
      { name: "errorCb", type: "Function", required: false, hasCustomValidator: true },
    ],
  },
  cancel: {
    domain: "signaling", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: null,
  },
  accept: {
    domain: "signaling", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      inviteID: { type: "String", required: true },
    },
  },
  reject: {
    domain: "signaling", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      inviteID: { type: "String", required: true },
    },
  },
  getSignalingInfo: {
    domain: "signaling", allowedBeforeReady: false, sync: true, params: ["message"],
    schema: [
      { name: "message", type: "Object", required: true, hasCustomValidator: true },
    ],
  },
  modifyInvitation: {
    domain: "signaling", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      inviteID: { type: "String", required: true },
      data: { type: "String", required: true },
    },
  },
  searchCloudUsers: {
    domain: "misc", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      keywordList: { type: "Array", required: true, hasCustomValidator: true },
      keywordListMatchType: { type: "String", required: false, hasCustomValidator: true },
      cursor: { type: "String", required: false },
      count: { type: "Number", required: false, hasCustomValidator: true },
      miniBirthday: { type: "Number", required: false, hasCustomValidator: true },
      maxBirthday: { type: "Number", required: false, hasCustomValidator: true },
      gender: { type: "String", required: false, hasCustomValidator: true },
    },
  },
  searchCloudGroups: {
    domain: "misc", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      keywordList: { type: "Array", required: true, hasCustomValidator: true },
      keywordListMatchType: { type: "String", required: false, hasCustomValidator: true },
      cursor: { type: "String", required: false },
      count: { type: "Number", required: false, hasCustomValidator: true },
      groupTypeList: { type: "Array", required: false, hasCustomValidator: true },
    },
  },
  searchCloudGroupMembers: {
    domain: "misc", allowedBeforeReady: false, sync: false, params: ["options"],
    schema: {
      keywordList: { type: "Array", required: true, hasCustomValidator: true },
      keywordListMatchType: { type: "String", required: false, hasCustomValidator: true },
      cursor: { type: "String", required: false },
      count: { type: "Number", required: false, hasCustomValidator: true },
      groupTypeList: { type: "Array", required: false, hasCustomValidator: true },
      groupIDList: { type: "Array", required: false, hasCustomValidator: true },
    },
  },
  callExperimentalAPI: {
    domain: "misc", allowedBeforeReady: true, sync: false, params: ["key", "options"],
    schema: null,
  },
} as const satisfies Readonly<Record<string, OfficialMethod>>;

/** The name of an official chat-instance method. */
export type OfficialMethodName = keyof typeof officialMethods;

/** Every official method name, in methods.json order. */
export const officialMethodNames = Object.keys(officialMethods) as OfficialMethodName[];
