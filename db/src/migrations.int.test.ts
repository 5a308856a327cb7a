import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { migrationsList } from './migrations';
import { postgresUrl } from './testing';

/** Replicas start at once and all migrate: they must take turns, not trip over each other. */
describe.skipIf(!postgresUrl)('migrations on PostgreSQL', () => {
  it('apply exactly once when several processes start together', async () => {
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    const name = `minitwit_test_${randomBytes(6).toString('hex')}`;
    await admin.query(`create database "${name}"`);
    try {
      const url = new URL(postgresUrl as string);
      url.pathname = `/${name}`;
      const replicas = await Promise.all(
        [1, 2, 3, 4].map(() => openDatabase({ url: url.toString(), dataDir: '', poolSize: 2 })),
      );
      const rows = await replicas[0]!.sql<{ name: string }>(`select "name" from "mikro_orm_migrations" order by "id"`);
      expect(rows.map((row) => row.name)).toEqual(migrationsList.map((migration) => migration.name));
      await Promise.all(replicas.map((db) => db.close()));
    } finally {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  });
});

if (!postgresUrl) console.warn('SKIPPED: concurrent migrations test — DATABASE_URL is not set');
