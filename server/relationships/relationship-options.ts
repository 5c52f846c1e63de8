// Server options of the relationships domain (profiles, blacklist, friends, follows).

export interface RelationshipOptions {
  /**
   * The custom profile fields the administrator declared (`Tag_Profile_Custom_*` keys). updateMyProfile refuses
   * any other custom key with 2721. Default none.
   */
  profileCustomFields: string[];
  /** The custom friend fields the administrator declared (`Tag_SNS_Custom_*` keys). Default none. */
  friendCustomFields: string[];
  /** When on, C2C messages between users who are not friends both ways are refused with 20009. Default off. */
  friendCheck: boolean;
}

export const defaultRelationshipOptions: RelationshipOptions = {
  profileCustomFields: [],
  friendCustomFields: [],
  friendCheck: false,
};
