import { describe, expect, it } from 'vitest';
import type { LiveMessage } from '../contract';
import { freshMessages, mergeMessages, newestIdOf, removeMessages } from './merge';

const message = (id: number, pubMs = Date.UTC(2024, 0, 1, 0, 0, id)): LiveMessage => ({
  id,
  text: `m${id}`,
  pubMs,
  author: { id: 1, username: 'a', avatarUrl: 'x' },
  mentions: [],
});
const ids = (messages: LiveMessage[]) => messages.map((m) => m.id);

describe('mergeMessages', () => {
  it('puts new messages in newest-first order and drops ids already shown', () => {
    const shown = [message(5), message(3)];
    expect(ids(mergeMessages(shown, [message(4), message(6), message(5), message(6)]))).toEqual([6, 5, 4, 3]);
  });

  it('orders by pub date before id, like the server', () => {
    const late = message(9, Date.UTC(2024, 0, 1, 0, 0, 1));
    expect(ids(mergeMessages([message(5)], [late]))).toEqual([5, 9]);
  });

  it('breaks pub-date ties by id, larger first', () => {
    const at = Date.UTC(2024, 0, 1);
    expect(ids(mergeMessages([message(2, at)], [message(3, at), message(1, at)]))).toEqual([3, 2, 1]);
  });
});

describe('freshMessages', () => {
  it('returns only unknown ids, once each, oldest first', () => {
    expect(ids(freshMessages(new Set([2]), [message(4), message(2), message(3), message(4)]))).toEqual([3, 4]);
  });
});

describe('removeMessages', () => {
  it('drops the given ids and ignores ids not shown', () => {
    expect(ids(removeMessages([message(3), message(2), message(1)], [2, 99]))).toEqual([3, 1]);
  });
});

describe('newestIdOf', () => {
  it('is the largest id, or the floor when nothing is larger', () => {
    expect(newestIdOf([3, 9, 4])).toBe(9);
    expect(newestIdOf([], 7)).toBe(7);
    expect(newestIdOf([2], 7)).toBe(7);
  });
});
