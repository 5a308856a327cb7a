import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { requireSimulator } from './simulator-auth';

const check = requireSimulator('simulator:super_safe!');

/** What the middleware passes on for a given Authorization header: undefined lets the request through. */
function verdict(authorization: string | undefined): unknown {
  let passed: unknown = 'not called';
  check({ headers: { authorization } } as Request, {} as Response, (error?: unknown) => (passed = error));
  return passed;
}

describe('requireSimulator', () => {
  it('lets the exact credentials through', () => {
    expect(verdict('Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh')).toBeUndefined();
  });

  it.each([
    undefined,
    '',
    'Basic',
    'Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh ',
    'Basic c2ltdWxhdG9yOnN1cGVyX3NhZmU',
    'basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh',
    'Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUhc2ltdWxhdG9yOnN1cGVyX3NhZmUh',
    'Bearer c2ltdWxhdG9yOnN1cGVyX3NhZmUh',
    'x'.repeat(10_000),
  ])('refuses %j with the contract 403', (authorization) => {
    const error = verdict(authorization);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, message: 'You are not authorized to use this resource!' });
  });
});
