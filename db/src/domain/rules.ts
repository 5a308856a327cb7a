import { errors } from '../errors';
import { hasStraySpace, isReservedUsername } from './usernames';
import { hasHiddenCharacter, hasVisibleCharacter } from './visible-text';

export const MAX_MESSAGE_CHARS = 500;
export const MAX_USERNAME_CHARS = 100;
export const MAX_EMAIL_CHARS = 254;

/** Characters, as a person counts them: code points, so an emoji is one. */
export function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * PostgreSQL text cannot hold NUL and rejects lone UTF-16 surrogates; refusing
 * them up front turns what would be a 500 into a clear 400.
 */
export function assertStorable(text: string, field: string): void {
  if (!isStorable(text)) throw errors.textMalformed(field);
}

export function isStorable(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

export interface RegistrationInput {
  username: string;
  email: string;
  password: string;
  /** The web form's confirmation; the simulator API has none. */
  password2?: string;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/u;

/**
 * The registration checks, in the order the reference MiniTwit reports them;
 * the username is the canonical one (`canonicalUsername`). A name with nothing
 * visible is missing; one that hides characters or spaces could pass for
 * another; a reserved one comes last, where the reference reports a taken one.
 */
export function checkRegistration(input: RegistrationInput): void {
  if (!hasVisibleCharacter(input.username)) throw errors.usernameMissing();
  if (charCount(input.username) > MAX_USERNAME_CHARS) throw errors.usernameTooLong(MAX_USERNAME_CHARS);
  assertStorable(input.username, 'username');
  if (hasHiddenCharacter(input.username)) throw errors.usernameHidden();
  if (hasStraySpace(input.username)) throw errors.usernameSpacing();
  if (!EMAIL_SHAPE.test(input.email) || input.email.length > MAX_EMAIL_CHARS) throw errors.emailInvalid();
  assertStorable(input.email, 'email');
  if (input.password === '') throw errors.passwordMissing();
  assertStorable(input.password, 'password');
  if (input.password2 !== undefined && input.password2 !== input.password) throw errors.passwordsDiffer();
  if (isReservedUsername(input.username)) throw errors.usernameReserved();
}

/** A message that would show nothing (only spaces, zero-width or combining characters) is empty. */
export function checkMessageText(text: string): void {
  if (!hasVisibleCharacter(text)) throw errors.messageEmpty();
  if (charCount(text) > MAX_MESSAGE_CHARS) throw errors.messageTooLong(MAX_MESSAGE_CHARS);
  assertStorable(text, 'message');
}
