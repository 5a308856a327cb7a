import { homeKind } from './home';
import type { MessageAddress, TimelineKind } from './kind';
import { mentionsKind } from './mentions';
import { publicKind } from './public';
import { userKind } from './user';

/**
 * Every timeline kind. Adding one is a module in this folder and a line here:
 * the reader, the subscription, the publisher and the metrics take it from
 * this list (docs/architecture.md, "Timeline kinds").
 */
export const TIMELINE_KINDS = {
  public: publicKind,
  user: userKind,
  home: homeKind,
  mentions: mentionsKind,
} as const;

type Kinds = typeof TIMELINE_KINDS;
export type TimelineKindName = keyof Kinds;

/** What the database reads: a kind and its parameters, with the viewer filled in for kinds that need one. */
export type TimelineScope = {
  [K in TimelineKindName]: Kinds[K] extends TimelineKind<infer _Request, infer Scope> ? Scope : never;
}[TimelineKindName];

/** What a page asks for (`timeline:subscribe`): a scope without the viewer, which the session supplies. */
export type TimelineRequest = {
  [K in TimelineKindName]: Kinds[K] extends TimelineKind<infer Request, infer _Scope> ? Request : never;
}[TimelineKindName];

/** Any registered kind, seen through the interface its scopes share. */
type AnyKind = TimelineKind<TimelineRequest, TimelineScope>;

export const timelineKindNames = Object.keys(TIMELINE_KINDS) as TimelineKindName[];

/** The kinds as a list, for the loops that go over all of them. */
export const timelineKinds = (): [TimelineKindName, AnyKind][] =>
  timelineKindNames.map((name) => [name, kindNamed(name)]);

/** The module of a kind. Each scope's `kind` names its own module, so the scope fits it. */
export function kindNamed(name: TimelineKindName): AnyKind {
  // The mapped kinds are each TimelineKind<R, S> for their own R and S; TypeScript cannot
  // correlate a union of them with the union-typed interface, so this one cast states it.
  return TIMELINE_KINDS[name] as unknown as AnyKind;
}

/** A `timeline:subscribe` request validated by its kind's schema; null when it is not one. */
export function parseTimelineRequest(value: unknown): TimelineRequest | null {
  if (typeof value !== 'object' || value === null) return null;
  const name: unknown = (value as { kind?: unknown }).kind;
  if (typeof name !== 'string' || !Object.hasOwn(TIMELINE_KINDS, name)) return null;
  const parsed = kindNamed(name as TimelineKindName).request.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Every room a message (new or removed) goes to: the union of each kind's rooms, each once. */
export function roomsOfMessage(message: MessageAddress): string[] {
  const rooms = new Set<string>();
  for (const [, kind] of timelineKinds()) for (const room of kind.messageRooms(message)) rooms.add(room);
  return [...rooms];
}
