import { type Database, openDatabase } from '@minitwit/db';
import { type DatabaseBackend, type TestDatabase, availableBackends, createTestDatabase } from '@minitwit/db/testing';
import { type RedisClientType, createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OwnRedis, startOwnRedis } from '@minitwit/testing';
import { type LimitRule, createLimit, createRemembered } from './rate-limit';

const rule = (name: string): LimitRule => ({ name, points: 3, windowSeconds: 60, blockSeconds: 30 });
let ruleCounter = 0;
/** Every test its own rule name, so counters of one test never meet another's. */
const freshRule = () => rule(`test-${process.pid}-${++ruleCounter}`);

describe.each(availableBackends())('limits counted in the database (%s)', (backend: DatabaseBackend) => {
  let database: TestDatabase;
  /** A second connection pool on the same database, as a second web replica has (PostgreSQL only). */
  let replica: Database;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
    replica = database.url ? await openDatabase({ url: database.url, dataDir: '', poolSize: 2 }) : database.db;
  });
  afterAll(async () => {
    if (replica !== database?.db) await replica?.close();
    await database?.dispose();
  });

  it('locks a key once it used its allowance, for every replica, until it is forgotten', async () => {
    const shared = freshRule();
    const one = createLimit(shared, { sql: database.db.sql });
    const two = createLimit(shared, { sql: replica.sql });
    expect(await one.count('account:ann')).toBe(0);
    expect(await two.count('account:ann')).toBe(0);
    expect(await one.waitMs('account:ann')).toBe(0);
    // The third use reaches the allowance: it goes through, and the key is locked for blockSeconds, on both.
    expect(await two.count('account:ann')).toBe(0);
    const wait = await one.waitMs('account:ann');
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    expect(await two.count('account:ann')).toBeGreaterThan(25_000);
    // Other keys and other rules are untouched.
    expect(await two.waitMs('account:bob')).toBe(0);
    expect(await createLimit(freshRule(), { sql: replica.sql }).waitMs('account:ann')).toBe(0);
    await two.forget('account:ann');
    expect(await one.waitMs('account:ann')).toBe(0);
  });

  it('lets exactly the allowance through when every use arrives at once, from two replicas', async () => {
    const shared = freshRule();
    const one = createLimit(shared, { sql: database.db.sql });
    const two = createLimit(shared, { sql: replica.sql });
    const waits = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).count('account:burst')),
    );
    expect(waits.filter((wait) => wait === 0)).toHaveLength(shared.points);
  });

  it('takes a given-back use off the count, and remembers keys until they expire', async () => {
    const limit = createLimit(freshRule(), { sql: database.db.sql });
    await limit.count('address:192.0.2.1');
    await limit.count('address:192.0.2.1');
    await limit.giveBack('address:192.0.2.1');
    // One use left standing: two more reach the allowance of three, and both still go through.
    expect(await limit.count('address:192.0.2.1')).toBe(0);
    expect(await limit.count('address:192.0.2.1')).toBe(0);
    expect(await limit.count('address:192.0.2.1')).toBeGreaterThan(0);

    const known = createRemembered(`known-${process.pid}-${++ruleCounter}`, 60, { sql: replica.sql });
    expect(await known.has('account:ann|address:192.0.2.1')).toBe(false);
    await known.remember('account:ann|address:192.0.2.1');
    expect(await known.has('account:ann|address:192.0.2.1')).toBe(true);
    expect(await known.has('account:ann|address:192.0.2.2')).toBe(false);
  });

  it('stores hashes, never the username or address, and takes keys of any length', async () => {
    const limit = createLimit(freshRule(), { sql: database.db.sql });
    const long = `account:${'ü'.repeat(5_000)}\u0000`;
    await limit.count(long);
    await limit.count('address:203.0.113.9');
    const rows = await database.db.sql<{ key: string }>(`select "key" from "rate_limits"`);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const { key } of rows) {
      expect(key).not.toContain('203.0.113.9');
      expect(key).not.toContain('ü');
      expect(key.length).toBeLessThan(100);
    }
  });
});

describe.each(availableBackends())('limits counted in Redis, falling back to the database (%s)', (backend) => {
  let database: TestDatabase;
  let redis: OwnRedis;
  const clients: RedisClientType[] = [];

  const connect = async () => {
    const client: RedisClientType = createClient({ url: redis.url });
    client.on('error', () => {});
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    redis = await startOwnRedis();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) if (client.isOpen) client.destroy();
  });
  afterAll(async () => {
    await redis?.stop();
    await database?.dispose();
  });

  it('shares counts between replicas through Redis, not the database', async () => {
    const shared = freshRule();
    const one = createLimit(shared, { sql: database.db.sql, redis: await connect() });
    const two = createLimit(shared, { sql: database.db.sql, redis: await connect() });
    await one.count('address:198.51.100.1');
    await two.count('address:198.51.100.1');
    expect(await two.count('address:198.51.100.1')).toBe(0);
    expect(await one.count('address:198.51.100.1')).toBeGreaterThan(25_000);
    expect(await one.waitMs('address:198.51.100.1')).toBeGreaterThan(25_000);
    const inDatabase = await database.db.sql(`select 1 from "rate_limits" where "key" like $1`, [`${shared.name}%`]);
    expect(inDatabase).toEqual([]);
  });

  it('lets exactly the allowance through a burst shared by two replicas', async () => {
    const shared = freshRule();
    const one = createLimit(shared, { sql: database.db.sql, redis: await connect() });
    const two = createLimit(shared, { sql: database.db.sql, redis: await connect() });
    const waits = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).count('account:burst')),
    );
    expect(waits.filter((wait) => wait === 0)).toHaveLength(shared.points);
  });

  it('still limits, across replicas, while Redis is down', { timeout: 60_000 }, async () => {
    const shared = freshRule();
    const one = createLimit(shared, { sql: database.db.sql, redis: await connect() });
    const two = createLimit(shared, { sql: database.db.sql, redis: await connect() });
    await redis.kill();
    try {
      const started = Date.now();
      expect(await one.count('account:carol')).toBe(0);
      expect(await two.count('account:carol')).toBe(0);
      expect(await one.count('account:carol')).toBe(0);
      expect(await two.count('account:carol')).toBeGreaterThan(25_000);
      expect(await two.waitMs('account:carol')).toBeGreaterThan(25_000);
      // Answered from the database at once, not after a Redis timeout.
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await redis.restart();
    }
  });
});
