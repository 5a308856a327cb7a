import { describe, expect, it } from 'vitest';
import { avatarInitial } from './avatar-initial';

describe('avatarInitial', () => {
  it.each([
    ['ann', 'A'],
    ['  zoë', 'Z'],
    ['李雷', '李'],
    ['🐦 bird', '🐦'],
    ['', '?'],
    ['   ', '?'],
  ])('%j → %s', (name, initial) => {
    expect(avatarInitial(name)).toBe(initial);
  });
});
