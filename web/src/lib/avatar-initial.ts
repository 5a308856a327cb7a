/** The letter an avatar falls back to when the picture cannot load: the name's first character, upper-cased. */
export function avatarInitial(username: string): string {
  const [first] = username.trim();
  return first ? first.toLocaleUpperCase() : '?';
}
