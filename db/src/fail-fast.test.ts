import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Server, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNAVAILABLE_NAMES, UNAVAILABLE_PHRASES, failFastPool, isDatabaseUnavailable } from './fail-fast';

/** A TCP server standing in for PostgreSQL: `silent` accepts and never answers; `closing` hangs up at once. */
async function fakeServer(kind: 'silent' | 'closing'): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    if (kind === 'closing') socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** A port nothing listens on: one just closed. */
async function closedPort(): Promise<number> {
  const { server, port } = await fakeServer('closing');
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function errorOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

function pgPool(port: number, max = 1): pg.Pool {
  const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'x', database: 'x', max, connectionTimeoutMillis: 300 });
  pool.on('error', () => undefined);
  return pool;
}

/** The ORM as orm.ts builds it for a URL (knex and tarn underneath), with the fail-fast pool, not connected. */
function orm(port: number): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: `postgresql://x@127.0.0.1:${port}/x`,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    connect: false,
    pool: { min: 0, max: 1, ...failFastPool, acquireTimeoutMillis: 500, createTimeoutMillis: 300 },
  });
}

describe('isDatabaseUnavailable, on errors the real drivers make', () => {
  let silent: Awaited<ReturnType<typeof fakeServer>>;
  let closing: Awaited<ReturnType<typeof fakeServer>>;
  const closeLater: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    silent = await fakeServer('silent');
    closing = await fakeServer('closing');
  });
  afterAll(async () => {
    for (const close of closeLater) await close();
    silent.server.close();
    closing.server.close();
  });

  it('pg: a refused connect (by its errno)', async () => {
    const pool = pgPool(await closedPort());
    closeLater.push(() => pool.end());
    const error = await errorOf(() => pool.query('select 1'));
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  // Below, the errors carry no code: only their words say what happened.
  it('pg: a server that hangs up', async () => {
    const pool = pgPool(closing.port);
    closeLater.push(() => pool.end());
    const error = await errorOf(() => pool.query('select 1'));
    expect(error).not.toHaveProperty('code');
    expect(isDatabaseUnavailable(error), String(error)).toBe(true);
  });

  it('pg: a server that never answers the startup (connect timeout)', async () => {
    const pool = pgPool(silent.port);
    closeLater.push(() => pool.end());
    const error = await errorOf(() => pool.query('select 1'));
    expect(error).not.toHaveProperty('code');
    expect(isDatabaseUnavailable(error), String(error)).toBe(true);
  });

  it('pg-pool: a request waiting for a connection of a full pool', async () => {
    const pool = pgPool(silent.port, 1);
    closeLater.push(() => pool.end());
    const first = errorOf(() => pool.query('select 1'));
    const waiting = errorOf(() => pool.query('select 1'));
    for (const error of await Promise.all([first, waiting])) {
      expect(isDatabaseUnavailable(error), String(error)).toBe(true);
    }
  });

  it('MikroORM/knex: a server that hangs up, and one that never answers (pool timeout)', async () => {
    for (const port of [closing.port, silent.port]) {
      const instance = await orm(port);
      closeLater.push(() => instance.close(true));
      const error = await errorOf(() => instance.em.getConnection().execute('select 1'));
      expect(isDatabaseUnavailable(error), String(error)).toBe(true);
    }
  });

  it('is false for an error that is the request’s fault, or no error at all', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('syntax error at or near "selec"'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });

  it('follows causes and the errors of an AggregateError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(new AggregateError([new Error('x'), refused]))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: refused }))).toBe(true);
  });
});

/** Every .js/.cjs file of a package, read as text (the packages here are a few hundred kB each). */
function sourceOf(packageDir: string): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules') continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(c?js)$/.test(entry)) texts.push(readFileSync(path, 'utf8'));
    }
  };
  walk(packageDir);
  return texts.join('\n');
}

/** A package's folder, resolved the way this package's code reaches it (knex through MikroORM). */
function packageDir(name: string): string {
  const fromDb = createRequire(import.meta.url);
  const fromKnexDriver = createRequire(
    createRequire(fromDb.resolve('@mikro-orm/postgresql')).resolve('@mikro-orm/knex'),
  );
  const fromPg = createRequire(fromDb.resolve('pg'));
  const entry =
    name === 'knex'
      ? fromKnexDriver.resolve('knex')
      : name === 'pg-pool'
        ? fromPg.resolve('pg-pool')
        : fromDb.resolve(name);
  let dir = dirname(entry);
  while (!readdirSync(dir).includes('package.json')) dir = dirname(dir);
  return dir;
}

describe('the words and names isDatabaseUnavailable matches', () => {
  it.each(Object.entries(UNAVAILABLE_PHRASES))('"%s" is still written by %s', (phrase, dependency) => {
    expect(sourceOf(packageDir(dependency)).toLowerCase(), `${dependency} no longer says "${phrase}"`).toContain(
      phrase.toLowerCase(),
    );
  });

  it.each(Object.entries(UNAVAILABLE_NAMES))('%s is still an error class of %s', (name, dependency) => {
    expect(sourceOf(packageDir(dependency))).toMatch(new RegExp(`class ${name}\\b`));
  });
});
