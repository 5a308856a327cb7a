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

/**
 * A publisher that records what it is told, and for each posted message whether the row was
 * visible then. Like the Redis one, it says when its publishes were taken (`publishesTaken`, a
 * tick later); `inProcess` drops that, as the in-process publisher has nothing to wait for.
 */
function recordingPublisher(db: () => Database) {
  const published: Published[] = [];
  const visibleWhenPublished: Promise<boolean>[] = [];
  const publisher: Required<TimelinePublisher> = {
    async publishesTaken() {
      await new Promise((resolve) => setImmediate(resolve));
      published.push(['publishesTaken', undefined]);
      return true;
    },
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
  const { publishesTaken: _, ...inProcess } = publisher;
  return { publisher, inProcess: inProcess as TimelinePublisher, published, visibleWhenPublished };
}

describe.each(availableBackends())('commands on %s PostgreSQL', (backend) => {
  const db = useTestDatabase(backend);
  const register = (username: string) =>
    db().users.register({ username, email: `${username}@example.com`, password: `pw-${username}` });

  it('publish each post once it has committed, answer once it was taken, and a replayed form token not again', async () => {
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
      ['publishesTaken', undefined],
      // The simulator's answer waits until the publish was taken: a replica whose host vanishes
      // next must not have acknowledged a write that no page will see.
      ['messagePosted', simulated.id],
      ['publishesTaken', undefined],
      ['acknowledged', undefined],
    ]);
    expect(await Promise.all(visibleWhenPublished)).toEqual([true, true]);
    expect(await db().simulator.getLatest()).toBe(41);
  });

  it('in one process, answer the simulator before publishing: the publish is the fan-out itself', async () => {
    await register('gus');
    const { inProcess, published } = recordingPublisher(db);
    const commands = createCommands(db(), () => inProcess);
    const posted = await commands.postMessageAs('gus', 'answered first', {
      acknowledge: () => published.push(['acknowledged', undefined]),
    });
    expect(published).toEqual([
      ['acknowledged', undefined],
      ['messagePosted', posted.id],
    ]);
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
      ['publishesTaken', undefined],
      // A no-op is answered all the same, and publishes nothing.
      ['acknowledged', undefined],
      ['followChanged', { whoId: ben.id, whomId: cat.id, following: false }],
      ['publishesTaken', undefined],
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
      ['publishesTaken', undefined],
      ['messagesFlagged', []],
      ['publishesTaken', undefined],
      ['messagesFlagged', [{ id: deleted.id, authorId: dov.id, mentionedIds: [] }]],
      ['publishesTaken', undefined],
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
      ['publishesTaken', undefined],
      ['sessionEnded', [sessionIdOf(two)]],
      ['publishesTaken', undefined],
    ]);
  });
});
