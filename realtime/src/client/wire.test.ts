import { describe, expect, it } from 'vitest';
import { toLiveMessage } from '../live-message';
import { fromWire } from './wire';

const author = { id: 3, username: 'ada', email: 'ada@example.org' };

describe('fromWire', () => {
  it('reads a message of the release before: pubDate only, no mentions', () => {
    const old = {
      id: 7,
      text: 'hi @bob',
      pubDate: '2026-12-06T12:00:00.000Z',
      author: { id: 3, username: 'ada', avatarUrl: 'x' },
    };
    expect(fromWire(old)).toEqual({ ...old, pubMs: Date.UTC(2026, 11, 6, 12), mentions: [] });
  });

  it('sends pages of the release before the pubDate they sort and show by, beside pubMs', () => {
    const pubDate = new Date(Date.UTC(2026, 11, 6, 12, 30));
    const live = toLiveMessage({ id: 8, text: 'x', pubDate, author, mentions: [] });
    expect(live.pubDate).toBe(pubDate.toISOString());
    expect(live.pubMs).toBe(pubDate.getTime());
    expect(fromWire(live)).toEqual(live);
  });
});
