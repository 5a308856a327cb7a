/** A user's page; usernames may hold spaces, slashes, `?` or `#`, so the name is one encoded path segment. */
export function userPath(username: string): string {
  return `/${encodeURIComponent(username)}`;
}
