import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Database } from '../database';
import { sessionIdOf } from '../domain/sessions';
import { availableBackends } from '../testing';
import { useTestDatabase } from '../use-test-database';
import { createCommands } from './commands';
import type { TimelinePublisher } from './publisher-port';

/** What the publisher was told, in order, and when the caller was answered (`acknowledged`). */
type Published = [event: keyof TimelinePublisher | 'acknowledged', payload: unknown];

/** A publisher that records what it is told, and for each posted message whether the row was visible then. */
function recordingPublisher(db: () => Database) {
  const published: Published[] = [];
  const visibleWhenPublished: Promise<boolean>[] = [];
  const publisher: Required<TimelinePublisher> = {
    messagePosted(message) {
      published.push(['messagePosted', message.id]);
      visibleWhenPublished.push(
        db()
          .sql<{ n: number }>(`select count(*)::int as "n" from "messages" where "id" = $1`, [message.id])
          .then(([row]) => row?.n === 1),
      );
    },
    followChanged: (change) => published.push(['followChanged', change]),
    messagesFlagged: (messages) => published.push(['messagesFlagged', messages]),
    sessionEnded: (ids) => published.push(['sessionEnded', ids]),
    writeOutcomeUnknown: () => published.push(['writeOutcomeUnknown', undefined]),
  };
  return { publisher, published, visibleWhenPublished };
}

describe.each(availableBackends())('commands on %s PostgreSQL', (backend) => {
  const db = useTestDatabase(backend);
  const register = (username: string) =>
    db().users.register({ username, email: `${username}@example.com`, password: `pw-${username}` });

  it('publish each post once it has committed (after the answer), and a replayed form token not again', async () => {
    const ann = await register('ann');
    const { publisher, published, visibleWhenPublished } = recordingPublisher(db);
    const commands = createCommands(db(), () => publisher);
    const token = randomUUID();
    const first = await commands.postMessage(ann.id, 'from the form', token);
    const replay = await commands.postMessage(ann.id, 'from the form', token);
    const simulated = await commands.postMessageAs('ann', 'from the simulator', {
      latest: 41,
      acknowledge: () => published.push(['acknowledged', undefined]),
    });

    expect(replay).toEqual({ replayed: true, message: first.message });
    expect(published).toEqual([
      ['messagePosted', first.message?.id],
      ['acknowledged', undefined],
      ['messagePosted', simulated.id],
    ]);
    expect(await Promise.all(visibleWhenPublished)).toEqual([true, true]);
    expect(await db().simulator.getLatest()).toBe(41);
  });

  it('publish a follow-graph change, and nothing for a no-op', async () => {
    const ben = await register('ben');
    const cat = await register('cat');
    const { publisher, published } = recordingPublisher(db);
    const commands = createCommands(db(), () => publisher);
    await commands.follow('ben', 'cat');
    await commands.follow('ben', 'cat', { latest: 42, acknowledge: () => published.push(['acknowledged', undefined]) });
    await commands.unfollow('ben', 'cat');
    await commands.unfollow('ben', 'cat');

    expect(await db().simulator.getLatest()).toBe(42);
    expect(published).toEqual([
      ['followChanged', { whoId: ben.id, whomId: cat.id, following: true }],
      // A no-op is answered all the same, and publishes nothing.
      ['acknowledged', undefined],
      ['followChanged', { whoId: ben.id, whomId: cat.id, following: false }],
    ]);
  });

  it('publish what a flag or a deletion newly hid, and nothing for a refused deletion', async () => {
    const dov = await register('dov');
    const eli = await register('eli');
    const flagged = await db().messages.post(dov.id, 'flag me');
    const deleted = await db().messages.post(dov.id, 'delete me');
    const { publisher, published } = recordingPublisher(db);
    const commands = createCommands(db(), () => publisher);

    expect(await commands.flag([flagged.id])).toEqual([{ id: flagged.id, authorId: dov.id, mentionedIds: [] }]);
    expect(await commands.flag([flagged.id])).toEqual([]);
    expect(await commands.deleteOwnMessage(eli.id, deleted.id)).toEqual({ outcome: 'not_yours' });
    await commands.deleteOwnMessage(dov.id, deleted.id);

    expect(published).toEqual([
      ['messagesFlagged', [{ id: flagged.id, authorId: dov.id, mentionedIds: [] }]],
      ['messagesFlagged', []],
      ['messagesFlagged', [{ id: deleted.id, authorId: dov.id, mentionedIds: [] }]],
    ]);
  });

  it('end sessions and publish their ids', async () => {
    const fay = await register('fay');
    const one = await db().sessions.create(fay.id, 60_000);
    const two = await db().sessions.create(fay.id, 60_000);
    const { publisher, published } = recordingPublisher(db);
    const commands = createCommands(db(), () => publisher);

    await commands.endSession(one);
    expect(await db().sessions.lookup(one)).toBeNull();
    expect(await commands.endAllSessions(fay.id)).toEqual([sessionIdOf(two)]);
    expect(await db().sessions.lookup(two)).toBeNull();

    expect(published).toEqual([
      ['sessionEnded', sessionIdOf(one)],
      ['sessionEnded', [sessionIdOf(two)]],
    ]);
  });
});
