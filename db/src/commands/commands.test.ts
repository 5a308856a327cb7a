import { describe, expect, it } from 'vitest';
import type { Database } from '../database';
import { errors } from '../errors';
import { createCommands } from './commands';
import type { TimelinePublisher } from './publisher-port';

/** What PostgreSQL says to a session it cuts off in a failover or a fast shutdown. */
const connectionCut = Object.assign(new Error('terminating connection due to administrator command'), {
  code: '57P01',
});

function counting() {
  const told: string[] = [];
  const publisher: TimelinePublisher = {
    messagePosted: () => told.push('messagePosted'),
    followChanged: () => told.push('followChanged'),
    messagesFlagged: () => told.push('messagesFlagged'),
    sessionEnded: () => told.push('sessionEnded'),
    writeOutcomeUnknown: () => told.push('writeOutcomeUnknown'),
  };
  return { told, publisher };
}

/** Only the stores a command touches; the rest of Database is never reached here. */
const failingWith = (error: Error) =>
  ({
    messages: { postAs: () => Promise.reject(error) },
    follows: { follow: () => Promise.reject(error) },
  }) as unknown as Database; // a partial fake: the two writes these tests call

describe('a command whose write fails', () => {
  it('tells pages the outcome is unknown when the database went away mid-write, and still fails', async () => {
    const { told, publisher } = counting();
    const commands = createCommands(failingWith(connectionCut), () => publisher);
    await expect(commands.postMessageAs('ann', 'hello')).rejects.toBe(connectionCut);
    await expect(commands.follow('ann', 'ben')).rejects.toBe(connectionCut);
    expect(told).toEqual(['writeOutcomeUnknown', 'writeOutcomeUnknown']);
  });

  it('publishes nothing when the write was refused: nothing was written', async () => {
    const { told, publisher } = counting();
    const refused = errors.userNotFound();
    const commands = createCommands(failingWith(refused), () => publisher);
    await expect(commands.postMessageAs('nobody', 'hello')).rejects.toBe(refused);
    expect(told).toEqual([]);
  });
});
