import { describe, expect, it } from 'vitest';
import { gravatarUrl } from './avatar';

describe('gravatarUrl', () => {
  it('hashes the trimmed, lower-cased email (Gravatar documentation example)', () => {
    expect(gravatarUrl('  MyEmailAddress@example.com ')).toBe(
      'https://www.gravatar.com/avatar/0bc83cb571cd1c50ba6f3e8a78ef1346?d=identicon&s=48',
    );
  });

  it('honours the size', () => {
    expect(gravatarUrl('a@b.c', 96)).toMatch(/s=96$/);
  });
});
