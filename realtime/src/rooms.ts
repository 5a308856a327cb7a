/**
 * Room names, from here only (clients never name a room). A message is one
 * emit to the public room plus its author's room; a My Timeline socket sits in
 * its viewer room and in the author rooms of everyone it follows.
 */
export const rooms = {
  public: (): string => 'public',
  author: (authorId: number): string => `author:${authorId}`,
  /**
   * The sockets of `userId` that show My Timeline. Only those: follow/unfollow
   * moves this room between author rooms, and a socket of the same user that
   * shows someone else's page must not start receiving the followed author.
   */
  viewer: (userId: number): string => `viewer:${userId}`,
};
