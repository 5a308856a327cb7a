import { describe, expect, it } from 'vitest';
import { gravatarUrl } from './avatar';

describe('gravatarUrl', () => {
  it("uses md5 of the trimmed, lower-cased email (Gravatar's documented example)", () => {
    // Gravatar's docs: "MyEmailAddress@example.com " → 0bc83cb571cd1c50ba6f3e8a78ef1346
    expect(gravatarUrl(' MyEmailAddress@example.com ')).toBe(
      'https://www.gravatar.com/avatar/0bc83cb571cd1c50ba6f3e8a78ef1346?d=identicon&s=48',
    );
  });

  it('honours the size', () => {
    expect(gravatarUrl('a@b.c', 96)).toMatch(/s=96$/);
  });
});
