import { errors } from '../errors';

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

/** The registration checks, in the order the reference MiniTwit reports them. */
export function checkRegistration(input: RegistrationInput): void {
  if (input.username.trim() === '') throw errors.usernameMissing();
  if (charCount(input.username) > MAX_USERNAME_CHARS) throw errors.usernameTooLong(MAX_USERNAME_CHARS);
  assertStorable(input.username, 'username');
  if (!EMAIL_SHAPE.test(input.email) || input.email.length > MAX_EMAIL_CHARS) throw errors.emailInvalid();
  assertStorable(input.email, 'email');
  if (input.password === '') throw errors.passwordMissing();
  assertStorable(input.password, 'password');
  if (input.password2 !== undefined && input.password2 !== input.password) throw errors.passwordsDiffer();
}

export function checkMessageText(text: string): void {
  if (text.trim() === '') throw errors.messageEmpty();
  if (charCount(text) > MAX_MESSAGE_CHARS) throw errors.messageTooLong(MAX_MESSAGE_CHARS);
  assertStorable(text, 'message');
}
