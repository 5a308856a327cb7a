/**
 * Domain errors carry a stable `id` (for logs, metrics and tests) and the exact
 * human text the contract prescribes; each front door maps `kind` to a status
 * in one place.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'unauthenticated';

export class DomainError extends Error {
  constructor(
    readonly id: string,
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const errors = {
  usernameMissing: () => new DomainError('user.username_missing', 'invalid', 'You have to enter a username'),
  usernameTooLong: (max: number) =>
    new DomainError('user.username_too_long', 'invalid', `The username may have at most ${max} characters`),
  usernameHidden: () =>
    new DomainError(
      'user.username_hidden_characters',
      'invalid',
      'The username may not contain invisible or control characters',
    ),
  usernameSpacing: () =>
    new DomainError(
      'user.username_spacing',
      'invalid',
      'The username may not start or end with a space or have two in a row',
    ),
  usernameReserved: () => new DomainError('user.username_reserved', 'invalid', 'The username is reserved'),
  emailInvalid: () => new DomainError('user.email_invalid', 'invalid', 'You have to enter a valid email address'),
  passwordMissing: () => new DomainError('user.password_missing', 'invalid', 'You have to enter a password'),
  passwordsDiffer: () => new DomainError('user.passwords_differ', 'invalid', 'The two passwords do not match'),
  usernameTaken: () => new DomainError('user.username_taken', 'invalid', 'The username is already taken'),
  invalidUsername: () => new DomainError('auth.invalid_username', 'unauthenticated', 'Invalid username'),
  invalidPassword: () => new DomainError('auth.invalid_password', 'unauthenticated', 'Invalid password'),
  userNotFound: () => new DomainError('user.not_found', 'not_found', 'User not found'),
  messageEmpty: () => new DomainError('message.empty', 'invalid', 'The message may not be empty'),
  messageTooLong: (max: number) =>
    new DomainError('message.too_long', 'invalid', `The message may have at most ${max} characters`),
  textMalformed: (field: string) =>
    new DomainError('input.malformed_text', 'invalid', `The ${field} contains characters that cannot be stored`),
  cursorInvalid: () => new DomainError('timeline.cursor_invalid', 'invalid', 'The page cursor is not valid'),
} as const;

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
