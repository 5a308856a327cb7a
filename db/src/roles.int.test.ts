import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './database';
import { migrationsList } from './migrations';
import { type OwnPostgres, canRunOwnPostgres, startOwnPostgres } from './own-postgres';

/**
 * Issue 17, item 7: services connect as a role that cannot change the schema or
 * create roles, migrations run as the schema owner, the exporter has pg_monitor
 * (infra/postgres-ha/roles.sql). Roles are cluster-wide, so this runs on a
 * private cluster, never on the shared server.
 */
const run = promisify(execFile);
const ROLES_SQL = fileURLToPath(new URL('../../infra/postgres-ha/roles.sql', import.meta.url));

async function canRunPsql(): Promise<boolean> {
  try {
    await run('psql', ['--version']);
    return true;
  } catch {
    return false;
  }
}

const available = (await canRunOwnPostgres()) && (await canRunPsql());
if (!available) console.warn('SKIPPED: database roles tests — PostgreSQL server binaries or psql are not installed');

const password = () => randomBytes(18).toString('base64url');

interface Passwords {
  owner: string;
  app: string;
  monitor: string;
}

async function applyRoles(
  server: OwnPostgres,
  passwords: Passwords = { owner: password(), app: password(), monitor: password() },
) {
  const { stdout } = await run('psql', [
    '-X',
    '-v',
    'ON_ERROR_STOP=1',
    '-v',
    `owner_password=${passwords.owner}`,
    '-v',
    `app_password=${passwords.app}`,
    '-v',
    `monitor_password=${passwords.monitor}`,
    '-f',
    ROLES_SQL,
    '-d',
    server.url,
  ]);
  return stdout;
}

/** Own-postgres trusts 127.0.0.1, so a role connects by name; the passwords are checked through pg_authid. */
const urlAs = (server: OwnPostgres, role: string, database = 'minitwit') =>
  `postgres://${role}@127.0.0.1:${server.port}/${database}`;

async function connectAs(server: OwnPostgres, role: string, database = 'minitwit'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: urlAs(server, role, database) });
  await client.connect();
  return client;
}

async function queryAs<Row extends pg.QueryResultRow>(server: OwnPostgres, role: string, text: string) {
  const client = await connectAs(server, role);
  try {
    return (await client.query<Row>(text)).rows;
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a statement fails with, or 'ok'. */
async function outcome(client: pg.Client, text: string): Promise<string> {
  try {
    await client.query(text);
    return 'ok';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';

describe.skipIf(!available)('database roles (infra/postgres-ha/roles.sql) on a private cluster', () => {
  let server: OwnPostgres;
  let superuser: pg.Client;
  const opened: Database[] = [];

  beforeAll(async () => {
    server = await startOwnPostgres();
    superuser = new pg.Client({ connectionString: server.url });
    await superuser.connect();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
    await superuser?.end().catch(() => undefined);
    await server?.dispose();
  });

  const verifiers = async () =>
    Object.fromEntries(
      (
        await superuser.query<{ rolname: string; rolpassword: string | null }>(
          `select rolname, rolpassword from pg_authid where rolname like 'minitwit\\_%' order by rolname`,
        )
      ).rows.map((row) => [row.rolname, row.rolpassword]),
    );

  it('creates the roles and the database, and sets new passwords when run again', async () => {
    const firstOutput = await applyRoles(server);
    expect(firstOutput).toContain('roles.sql:');
    const first = await verifiers();
    expect(Object.keys(first)).toEqual(['minitwit_app', 'minitwit_monitor', 'minitwit_owner']);
    for (const verifier of Object.values(first)) expect(verifier).toMatch(/^SCRAM-SHA-256\$/);

    const given = { owner: password(), app: password(), monitor: password() };
    await applyRoles(server, given);
    const second = await verifiers();
    for (const role of Object.keys(first)) expect(second[role]).not.toEqual(first[role]);
    // The repository holds no password: a run without one fails instead of inventing one.
    await expect(
      run('psql', [
        '-X',
        '-v',
        `app_password=${given.app}`,
        '-v',
        `monitor_password=${given.monitor}`,
        '-f',
        ROLES_SQL,
        '-d',
        server.url,
      ]),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('owner_password') });
    expect(await verifiers()).toEqual(second);

    const roles = await superuser.query<{
      rolname: string;
      rolsuper: boolean;
      rolcreatedb: boolean;
      rolcreaterole: boolean;
      rolcanlogin: boolean;
      monitor: boolean;
    }>(
      `select rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, pg_has_role(oid, 'pg_monitor', 'member') as monitor
         from pg_roles where rolname like 'minitwit\\_%' order by rolname`,
    );
    expect(roles.rows).toEqual([
      {
        rolname: 'minitwit_app',
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolcanlogin: true,
        monitor: false,
      },
      {
        rolname: 'minitwit_monitor',
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolcanlogin: true,
        monitor: true,
      },
      {
        rolname: 'minitwit_owner',
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolcanlogin: true,
        monitor: false,
      },
    ]);
    const database = await superuser.query<{ owner: string }>(
      `select pg_get_userbyid(datdba) as owner from pg_database where datname = 'minitwit'`,
    );
    expect(database.rows).toEqual([{ owner: 'minitwit_owner' }]);
  }, 60_000);

  it('a service in wait mode gives up clearly when nobody migrates', async () => {
    const started = Date.now();
    await expect(
      openDatabase({
        url: urlAs(server, 'minitwit_app'),
        dataDir: '',
        poolSize: 2,
        migrations: 'wait',
        migrationWaitMs: 1_200,
      }),
    ).rejects.toThrow(
      new RegExp(
        `DATABASE_MIGRATIONS=wait: after 1 s the database still lacks ${migrationsList.length} of this build's ${migrationsList.length} migrations \\(Migration20261127000000_initial,.*npm run migrate`,
      ),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_100);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('a service in wait mode rides out a database restart while it waits', async () => {
    const logged: string[] = [];
    const waiting = openDatabase({
      url: urlAs(server, 'minitwit_app'),
      dataDir: '',
      poolSize: 2,
      migrations: 'wait',
      migrationWaitMs: 6_000,
      logger: { info: (message) => logged.push(message), error: (message) => logged.push(message) },
    });
    const outcome = waiting.then(
      () => 'started',
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // As Patroni restarts PostgreSQL right after bootstrapping it: every session terminated, then refused.
    superuser.on('error', () => undefined);
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await server.start();
    superuser = new pg.Client({ connectionString: server.url });
    await superuser.connect();
    // Still waiting through it, and at the end the same clear answer as without the restart.
    const error = await outcome;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/DATABASE_MIGRATIONS=wait: after 6 s the database still lacks/);
    expect(logged.filter((line) => line.includes('unavailable while looking for the migrations'))).toHaveLength(1);
  }, 60_000);

  it('the app role cannot migrate: a service in run mode as minitwit_app is refused', async () => {
    await expect(
      openDatabase({ url: urlAs(server, 'minitwit_app'), dataDir: '', poolSize: 1, migrations: 'run' }),
    ).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
    const tables = await queryAs(server, 'postgres', `select from pg_tables where schemaname = 'public'`);
    expect(tables).toHaveLength(0);
  }, 30_000);

  it('a service waiting in wait mode starts once the owner has migrated', async () => {
    const logged: string[] = [];
    let ready = false;
    const waiting = openDatabase({
      url: urlAs(server, 'minitwit_app'),
      dataDir: '',
      poolSize: 2,
      migrations: 'wait',
      logger: { info: (message) => logged.push(message), error: (message) => logged.push(message) },
    }).then((db) => {
      ready = true;
      opened.push(db);
      return db;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(ready).toBe(false);
    expect(logged.filter((line) => line.includes('waiting for the schema owner'))).toHaveLength(1);

    // `npm run migrate` as the owner.
    const owner = await openDatabase({
      url: urlAs(server, 'minitwit_owner'),
      dataDir: '',
      poolSize: 1,
      migrations: 'run',
    });
    await owner.close();
    const db = await waiting;
    expect(ready).toBe(true);
    expect(logged.filter((line) => line.includes('waiting for the schema owner'))).toHaveLength(1);

    const tables = await queryAs<{ owner: string; count: string }>(
      server,
      'postgres',
      `select tableowner as owner, count(*) from pg_tables where schemaname = 'public' group by tableowner`,
    );
    // users, messages, followers, simulator_state, sessions, rate_limits, post_form_tokens, mentions, mikro_orm_migrations.
    expect(tables).toEqual([{ owner: 'minitwit_owner', count: String(9) }]);
    const recorded = await db.sql<{ name: string }>(`select "name" from "mikro_orm_migrations" order by "id"`);
    expect(recorded.map((row) => row.name)).toEqual(migrationsList.map((migration) => migration.name));
  }, 60_000);

  it('the app role registers, posts, follows, reads timelines, counts, signs in and out, and rate-limits', async () => {
    const db = await openDatabase({ url: urlAs(server, 'minitwit_app'), dataDir: '', poolSize: 2, migrations: 'wait' });
    opened.push(db);
    const ada = await db.users.register(
      { username: 'ada', email: 'ada@example.com', password: 'pw-ada' },
      { latest: 1 },
    );
    const bob = await db.users.register({ username: 'bob', email: 'bob@example.com', password: 'pw-bob' });
    await db.messages.postAs('bob', 'hello from bob', { latest: 2 });
    const own = await db.messages.post(ada.id, 'hello from ada');
    expect(await db.follows.follow('ada', 'bob', { latest: 3 })).toMatchObject({ changed: true });
    const home = await db.timelines.page({ kind: 'home', userId: ada.id }, { limit: 10 });
    expect(home.messages.map((message) => message.text)).toEqual(['hello from ada', 'hello from bob']);
    expect(await db.simulator.getLatest()).toBe(3);
    expect(await db.follows.unfollow('ada', 'bob')).toMatchObject({ changed: true });
    // The post box's once-only post: its token row and the message id drawn from the messages sequence.
    const formToken = '6f1c2a4e-9b8d-4c3e-8f7a-1d2e3f4a5b6c';
    const once = await db.messages.postOnce(bob.id, 'posted once', formToken);
    expect(await db.messages.postOnce(bob.id, 'posted once', formToken)).toEqual({
      replayed: true,
      message: once.message,
    });

    const token = await db.sessions.create(bob.id, 60_000);
    expect(await db.sessions.userFor(token)).toMatchObject({ id: bob.id });
    await db.sessions.destroy(token);
    expect(await db.sessions.userFor(token)).toBeNull();
    await db.sessions.purgeExpired();

    expect(await db.messages.flag([own.id])).toEqual([{ id: own.id, authorId: ada.id, mentionedIds: [] }]);
    expect(await db.stats.counts()).toMatchObject({ users: 2, messages: 2, follows: 0, flagged: 1, latest: 3 });

    // rate-limiter-flexible's statements on the rate_limits table (redis/src/limits/rate-limit.ts).
    await db.sql(
      `insert into "rate_limits" ("key", "points", "expire") values ($1, 1, $2)
       on conflict ("key") do update set "points" = "rate_limits"."points" + 1 returning "points"`,
      ['k', Date.now() + 60_000],
    );
    await db.sql(`delete from "rate_limits" where "expire" < $1`, [Date.now() + 120_000]);
  }, 60_000);

  it('the app role may not change the schema, empty tables, make temp tables or create roles (42501)', async () => {
    const app = await connectAs(server, 'minitwit_app');
    try {
      const refused = {
        drop: await outcome(app, 'drop table "messages"'),
        create: await outcome(app, 'create table "x" ("id" integer)'),
        alter: await outcome(app, 'alter table "users" add column "x" integer'),
        index: await outcome(app, 'create index "x_idx" on "messages" ("text")'),
        role: await outcome(app, 'create role "x"'),
        truncate: await outcome(app, 'truncate "messages"'),
        temp: await outcome(app, 'create temp table "t" ("id" integer)'),
        schema: await outcome(app, 'create schema "x"'),
        setval: await outcome(app, `select setval('messages_id_seq', 1)`),
      };
      expect(refused).toEqual({
        drop: INSUFFICIENT_PRIVILEGE,
        create: INSUFFICIENT_PRIVILEGE,
        alter: INSUFFICIENT_PRIVILEGE,
        index: INSUFFICIENT_PRIVILEGE,
        role: INSUFFICIENT_PRIVILEGE,
        truncate: INSUFFICIENT_PRIVILEGE,
        temp: INSUFFICIENT_PRIVILEGE,
        schema: INSUFFICIENT_PRIVILEGE,
        setval: INSUFFICIENT_PRIVILEGE,
      });
      // The same client can still do its job: the refusals are about rights, not a broken session.
      expect(await outcome(app, 'select count(*) from "messages"')).toBe('ok');
    } finally {
      await app.end();
    }
    const owner = await connectAs(server, 'minitwit_owner');
    try {
      expect(await outcome(owner, 'create role "x"')).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await outcome(owner, 'create database "x"')).toBe(INSUFFICIENT_PRIVILEGE);
    } finally {
      await owner.end();
    }
    // Only the roles named in roles.sql connect to the database.
    await superuser.query('create role "stranger" login');
    await expect(connectAs(server, 'stranger')).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
  }, 30_000);

  it('the monitor role reads other sessions and replication, the app role does not', async () => {
    const app = await connectAs(server, 'minitwit_app');
    try {
      const [mine] = (await app.query<{ pid: number }>('select pg_backend_pid() as pid /* roles-test-marker */')).rows;
      const seenBy = async (role: string) =>
        (
          await queryAs<{ query: string }>(server, role, `select query from pg_stat_activity where pid = ${mine?.pid}`)
        )[0]?.query;
      expect(await seenBy('minitwit_monitor')).toContain('roles-test-marker');
      const monitor = await connectAs(server, 'minitwit_monitor');
      try {
        expect(await outcome(monitor, 'select * from pg_stat_replication')).toBe('ok');
        expect(await outcome(monitor, 'select count(*) from pg_ls_waldir()')).toBe('ok');
        expect(await outcome(monitor, 'select count(*) from "users"')).toBe(INSUFFICIENT_PRIVILEGE);
        const [other] = (await monitor.query<{ pid: number }>('select pg_backend_pid() as pid')).rows;
        const monitorQuery = await queryAs<{ query: string }>(
          server,
          'minitwit_app',
          `select query from pg_stat_activity where pid = ${other?.pid}`,
        );
        expect(monitorQuery[0]?.query).toBe('<insufficient privilege>');
      } finally {
        await monitor.end();
      }
      expect(await outcome(app, 'select count(*) from pg_ls_waldir()')).toBe(INSUFFICIENT_PRIVILEGE);
    } finally {
      await app.end();
    }
  }, 30_000);
});

describe.skipIf(!available)('roles.sql on a database migrated before the roles existed', () => {
  let server: OwnPostgres;

  beforeAll(async () => {
    server = await startOwnPostgres();
  }, 60_000);

  afterAll(async () => {
    await server?.dispose();
  });

  it('hands the tables to the owner and grants the app the same rows-only rights', async () => {
    const superuser = new pg.Client({ connectionString: server.url });
    await superuser.connect();
    try {
      await superuser.query('create database minitwit');
      const legacy = await openDatabase({ url: urlAs(server, 'postgres'), dataDir: '', poolSize: 1 });
      const ada = await legacy.users.register({ username: 'ada', email: 'ada@example.com', password: 'pw-ada' });
      await legacy.close();

      await applyRoles(server);
      const owners = await queryAs<{ kind: string; owner: string }>(
        server,
        'postgres',
        `select c.relkind::text as kind, pg_get_userbyid(c.relowner) as owner
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'S', 'i')
          group by 1, 2 order by 1, 2`,
      );
      expect(owners).toEqual([
        { kind: 'S', owner: 'minitwit_owner' },
        { kind: 'i', owner: 'minitwit_owner' },
        { kind: 'r', owner: 'minitwit_owner' },
      ]);

      const db = await openDatabase({
        url: urlAs(server, 'minitwit_app'),
        dataDir: '',
        poolSize: 2,
        migrations: 'wait',
      });
      try {
        const bob = await db.users.register({ username: 'bob', email: 'bob@example.com', password: 'pw-bob' });
        await db.follows.follow('bob', 'ada');
        await db.messages.post(ada.id, 'old data, new roles');
        const home = await db.timelines.page({ kind: 'home', userId: bob.id }, { limit: 10 });
        expect(home.messages.map((message) => message.text)).toEqual(['old data, new roles']);
      } finally {
        await db.close();
      }
      const app = await connectAs(server, 'minitwit_app');
      try {
        expect(await outcome(app, 'drop table "messages"')).toBe(INSUFFICIENT_PRIVILEGE);
        expect(await outcome(app, 'truncate "messages"')).toBe(INSUFFICIENT_PRIVILEGE);
        expect(await outcome(app, `select setval('messages_id_seq', 1)`)).toBe(INSUFFICIENT_PRIVILEGE);
      } finally {
        await app.end();
      }
      // The owner can run the next migrations on what it now owns.
      const owner = await connectAs(server, 'minitwit_owner');
      try {
        expect(await outcome(owner, 'begin; alter table "users" add column "x" integer; rollback')).toBe('ok');
      } finally {
        await owner.end();
      }
    } finally {
      await superuser.end();
    }
  }, 60_000);
});
