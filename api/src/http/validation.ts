import { MAX_MESSAGE_CHARS } from '@minitwit/db';
import { z } from 'zod';
import { ApiError } from './api-error';

/** The largest `no` served: enough for any simulator page, small enough to bound one response. */
export const MAX_NO = 10_000;
export const DEFAULT_NO = 100;

/**
 * `?latest=`: absent, or one safe integer. Query values arrive as text, so the
 * schema checks the text; the document shows the integer it stands for.
 */
export const latestQuery = z
  .string()
  .regex(/^-?\d{1,16}$/)
  .refine((text) => Number.isSafeInteger(Number(text)))
  .optional()
  .meta({
    type: 'integer',
    description: 'The simulator action counter; recorded before anything else, even if the request is refused',
  });

/** `?no=`: absent (default 100), or an integer from 0 to MAX_NO. */
export const noQuery = z
  .string()
  .regex(/^\d{1,6}$/)
  .refine((text) => Number(text) <= MAX_NO)
  .optional()
  .meta({
    type: 'integer',
    minimum: 0,
    maximum: MAX_NO,
    default: DEFAULT_NO,
    description: `How many items at most (default ${DEFAULT_NO}, at most ${MAX_NO})`,
  });

/** The `:username` path segment (Express has URL-decoded it). */
export const usernamePath = z.string().meta({ description: 'URL-encoded; may contain spaces and any Unicode' });

export function parseLatest(raw: unknown): number | undefined {
  const result = latestQuery.safeParse(raw);
  if (!result.success) throw new ApiError(400, 'latest must be an integer');
  return result.data === undefined ? undefined : Number(result.data);
}

export function parseNo(raw: unknown): number {
  const result = noQuery.safeParse(raw);
  if (!result.success) throw new ApiError(400, `no must be an integer from 0 to ${MAX_NO}`);
  return result.data === undefined ? DEFAULT_NO : Number(result.data);
}

export const registerBody = z
  .object({
    username: z.string({ error: 'username must be a string' }),
    email: z.string({ error: 'email must be a string' }),
    pwd: z.string({ error: 'pwd must be a string' }),
  })
  .meta({ id: 'Register' });

export const messageBody = z
  .object({
    // The length is the domain's rule (db checkMessageText, in code points, as JSON Schema counts them):
    // documented here, enforced there, so the API and the web form refuse with the same text.
    content: z.string({ error: 'content must be a string' }).meta({ maxLength: MAX_MESSAGE_CHARS }),
  })
  .meta({ id: 'NewMessage' });

export const followBody = z
  .union(
    [
      z.strictObject({ follow: z.string({ error: 'follow must be a string' }) }),
      z.strictObject({ unfollow: z.string({ error: 'unfollow must be a string' }) }),
    ],
    { error: 'The body must be {"follow": "<username>"} or {"unfollow": "<username>"}' },
  )
  .meta({ id: 'FollowAction' });

/** Parses a JSON body against a schema; the first problem becomes the 400's error_msg. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'The request body must be a JSON object');
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ApiError(400, result.error.issues[0]?.message ?? 'The request body is not valid');
  }
  return result.data;
}
