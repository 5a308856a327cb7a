import argon2 from 'argon2';

/**
 * argon2id at the OWASP minimum (19 MiB, 2 passes, 1 lane): about 20 ms here,
 * off the event loop (argon2 hashes on libuv's thread pool).
 */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password);
}
