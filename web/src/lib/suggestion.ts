/** Someone an empty My Timeline suggests following; shared by server and browser, no email. */
export interface Suggestion {
  username: string;
  avatarUrl: string;
  /** Their share of the newest public messages. */
  recentMessages: number;
}
