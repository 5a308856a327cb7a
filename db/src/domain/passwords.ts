import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at the OWASP minimum (19 MiB, 2 passes, 1 lane): about 14 ms here,
 * computed off the event loop. `@node-rs/argon2` ships prebuilt binaries as
 * platform packages, so installing needs no compiler (the `argon2` package's
 * prebuild crashed on this Debian and needed a node-gyp build).
 */
const OPTIONS = {
  // Algorithm.Argon2id: the package's enum is a `const enum`, which isolatedModules cannot import.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}
