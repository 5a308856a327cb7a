import { afterEach, describe, expect, it, vi } from 'vitest';
import { acknowledgedIds } from './acknowledged-ids';

describe('acknowledgedIds', () => {
  afterEach(() => vi.restoreAllMocks());
  let clock = 0;
  const at = (time: number) => {
    clock = time;
    return time;
  };
  const tracked = () => {
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const sent: number[] = [];
    return { ids: acknowledgedIds((id) => sent.push(id)), sent };
  };

  it('counts an id as sent only once Redis answered its publish or a later one', () => {
    const { ids, sent } = tracked();
    at(1);
    ids.published(10);
    at(2);
    ids.published(11);
    at(3);
    ids.published(12);
    expect(sent).toEqual([]);
    ids.acknowledged(2);
    expect(sent).toEqual([10, 11]);
    ids.acknowledged(3);
    expect(sent).toEqual([10, 11, 12]);
  });

  it('never counts the ids of a refused publish or the ones before it', () => {
    const { ids, sent } = tracked();
    at(1);
    ids.published(20);
    at(2);
    ids.published(21);
    at(3);
    ids.published(22);
    ids.refused(2);
    ids.acknowledged(3);
    expect(sent).toEqual([22]);
  });
});
