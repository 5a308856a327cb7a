/**
 * Room names, from here only (clients never name a room). The timeline kinds
 * (this folder) say which rooms a socket joins and which a message goes to;
 * the realtime servers only carry them out. Plain strings: the database
 * package names them, Socket.IO never appears here.
 *
 * Names are made once per id and reused: the adapter keeps the string a socket
 * joined with in that socket's room set, so a fresh string per join would cost
 * every My Timeline socket one string per followed author.
 */
const authorRooms = new Map<number, string>();
const viewerRooms = new Map<number, string>();
const profileRooms = new Map<number, string>();
const mentionRooms = new Map<number, string>();
/** Bounds each cache (~5 MB); past it the cache starts over, which only costs the sharing. */
const MAX_CACHED = 100_000;

function named(cache: Map<number, string>, prefix: string, id: number): string {
  let name = cache.get(id);
  if (name === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    name = `${prefix}${id}`;
    cache.set(id, name);
  }
  return name;
}

export const rooms = {
  public: (): string => 'public',
  author: (authorId: number): string => named(authorRooms, 'author:', authorId),
  /**
   * The sockets of `userId` that show My Timeline. Only those: follow/unfollow
   * moves this room between author rooms, and a socket of the same user that
   * shows someone else's page must not start receiving the followed author.
   */
  viewer: (userId: number): string => named(viewerRooms, 'viewer:', userId),
  /**
   * The sockets showing `userId`'s profile page: they hear its follow counts
   * change. Not the author room, which My Timeline sockets of every follower
   * sit in: a popular author's new follower would reach all of those.
   */
  profile: (userId: number): string => named(profileRooms, 'profile:', userId),
  /** The sockets of `userId` that show their Mentions page. */
  mentions: (userId: number): string => named(mentionRooms, 'mentions:', userId),
};
