import { z } from 'zod';
import { ApiError } from './api-error';

/** The largest `no` served: enough for any simulator page, small enough to bound one response. */
export const MAX_NO = 10_000;
export const DEFAULT_NO = 100;

const INTEGER = /^-?\d{1,16}$/;

/** `?latest=` — absent, or one safe integer. */
export function parseLatest(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !INTEGER.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new ApiError(400, 'latest must be an integer');
  }
  return Number(raw);
}

/** `?no=` — absent (default 100), or an integer from 0 to MAX_NO. */
export function parseNo(raw: unknown): number {
  if (raw === undefined) return DEFAULT_NO;
  if (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw) || Number(raw) > MAX_NO) {
    throw new ApiError(400, `no must be an integer from 0 to ${MAX_NO}`);
  }
  return Number(raw);
}

export const registerBody = z.object({
  username: z.string({ error: 'username must be a string' }),
  email: z.string({ error: 'email must be a string' }),
  pwd: z.string({ error: 'pwd must be a string' }),
});

export const messageBody = z.object({
  content: z.string({ error: 'content must be a string' }),
});

export const followBody = z.union(
  [
    z.strictObject({ follow: z.string({ error: 'follow must be a string' }) }),
    z.strictObject({ unfollow: z.string({ error: 'unfollow must be a string' }) }),
  ],
  { error: 'The body must be {"follow": "<username>"} or {"unfollow": "<username>"}' },
);

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
