import { describe, expect, it } from 'vitest';
import { MAX_MENTIONS, mentionCandidates, mentionTokens } from './mention-names';

describe('mentionTokens', () => {
  it('finds `@name` at the start, after whitespace or an opening bracket, up to the next whitespace', () => {
    expect(mentionTokens('@ada hi (@bob) x@cy\n@dee')).toEqual([
      { start: 0, candidates: [{ name: 'ada', length: 4 }] },
      {
        start: 9,
        candidates: [
          { name: 'bob)', length: 5 },
          { name: 'bob', length: 4 },
        ],
      },
      { start: 20, candidates: [{ name: 'dee', length: 4 }] },
    ]);
  });

  it('offers the name with and without trailing punctuation, longer first', () => {
    expect(mentionTokens('hi @bob.!')[0]?.candidates).toEqual([
      { name: 'bob.!', length: 6 },
      { name: 'bob', length: 4 },
    ]);
  });

  it('matches names as stored (NFC), keeping the typed length', () => {
    const decomposed = 'e\u0301va';
    expect(mentionTokens(`@${decomposed}`)[0]?.candidates).toEqual([{ name: '\u00e9va', length: 5 }]);
  });

  it('ignores a bare @ and bounds how many it reads', () => {
    expect(mentionTokens('@ and @')).toEqual([]);
    expect(mentionTokens(Array.from({ length: 50 }, (_, i) => `@u${i}`).join(' '))).toHaveLength(MAX_MENTIONS);
  });
});

describe('mentionCandidates', () => {
  it('lists each candidate name once', () => {
    expect(mentionCandidates('@ada @ada, @bob')).toEqual(['ada', 'ada,', 'bob']);
  });
});
