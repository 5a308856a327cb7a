import { describe, expect, it } from 'vitest';
import { DiskFullError, guardDisk } from './disk-guard';

const MB = 1024 * 1024;

/** A guard over a disk whose free space the test sets, recording what it asks of the database and logs. */
function fakeGuard(options: { failSet?: () => boolean } = {}) {
  let free = 500 * MB;
  const sets: boolean[] = [];
  const logs: Array<{ level: string; message: string }> = [];
  const guard = guardDisk({
    dir: '/data',
    reserveBytes: 64 * MB,
    everyMs: 60_000,
    freeBytes: async () => free,
    setReadOnly: async (readOnly) => {
      if (options.failSet?.()) throw new Error('busy');
      sets.push(readOnly);
    },
    logger: {
      error: (message) => logs.push({ level: 'error', message }),
      info: (message) => logs.push({ level: 'info', message }),
    },
  });
  return { guard, sets, logs, setFree: (bytes: number) => (free = bytes) };
}

describe('the embedded database disk guard', () => {
  it('turns writes off under the reserve, keeps them off while there, and on again 10 % above it', async () => {
    const { guard, sets, logs, setFree } = fakeGuard();
    await guard.check();
    expect([guard.full(), sets]).toEqual([false, []]);

    setFree(40 * MB);
    await guard.check();
    expect(guard.full()).toBe(true);
    await guard.check();
    // Applied again while full (a reset session must not reopen writes); logged once.
    expect(sets).toEqual([true, true]);
    expect(logs).toEqual([
      {
        level: 'error',
        message:
          'embedded database: the disk holding the embedded database (/data) has 40 MB free, under the 64 MB it keeps in reserve: writes are refused until space is freed',
      },
    ]);

    // Just above the reserve is not enough (hysteresis): no flapping at the line.
    setFree(66 * MB);
    await guard.check();
    expect(guard.full()).toBe(true);
    setFree(80 * MB);
    await guard.check();
    expect([guard.full(), sets.at(-1)]).toEqual([false, false]);
    expect(logs.at(-1)).toEqual({
      level: 'info',
      message: 'embedded database: disk space is back, writes are accepted again',
    });
    guard.stop();
  });

  it('names the cause in the refused write, as a disk_full (53100) error', () => {
    const { guard } = fakeGuard();
    const error = guard.refusal();
    expect(error).toBeInstanceOf(DiskFullError);
    expect(error.code).toBe('53100');
    guard.stop();
  });

  it('does not call the disk full when the database refused the change: the next check tries again', async () => {
    let failing = true;
    const { guard, sets, logs, setFree } = fakeGuard({ failSet: () => failing });
    setFree(10 * MB);
    await guard.check();
    expect([guard.full(), logs[0]?.message]).toEqual([
      false,
      'embedded database: could not change write access for the disk space',
    ]);
    failing = false;
    await guard.check();
    expect([guard.full(), sets]).toEqual([true, [true]]);
    guard.stop();
  });
});
