export { databaseEnvSchema, databaseOptionsFrom, optionalUrl, type DatabaseEnv, type DatabaseOptions } from './config';
export { openDatabase, type Database } from './database';
export { DomainError, errors, isDomainError, type DomainErrorKind } from './errors';
export { decodeCursor, encodeCursor, type Cursor } from './domain/cursor';
export type { FollowChange, FollowCounts, FollowListEntry, FollowListPage } from './domain/follows';
export type { DeleteOutcome, FormPostResult, RemovedMessage } from './domain/messages';
export { MAX_MESSAGE_CHARS, MAX_USERNAME_CHARS, charCount, type RegistrationInput } from './domain/rules';
export {
  addressOf,
  type MentionedUser,
  type PageRequest,
  type TimelineMessage,
  type TimelinePage,
  type TimelineScope,
} from './domain/timelines';
export {
  kindNamed,
  parseTimelineRequest,
  roomsOfMessage,
  timelineKinds,
  type TimelineKindName,
  type TimelineRequest,
} from './domain/timeline-kinds/registry';
export {
  MAX_ID,
  type JoinReads,
  type MessageAddress,
  type RoomMembership,
  type TimelineKind,
} from './domain/timeline-kinds/kind';
export { rooms } from './domain/timeline-kinds/rooms';
export type { UserSummary } from './domain/users';
export type { SuggestedAuthor } from './domain/suggestions';
export { RESERVED_USERNAMES, canonicalUsername, isReservedUsername } from './domain/usernames';
export { SESSION_COOKIE, sessionIdOf } from './domain/sessions';
export { gravatarUrl } from './domain/avatar';
export type { BusinessCounts } from './domain/stats';
export { provideDatabase, sharedDatabase } from './shared-instance';
export { isDatabaseUnavailable } from './fail-fast';
export { DISK_RESERVE_BYTES, DiskFullError, type DiskLogger } from './disk-guard';
export { createCommands, type Commands, type PublisherSource, type SimulatorWrite } from './commands/commands';
export { noopPublisher, type TimelinePublisher } from './commands/publisher-port';
