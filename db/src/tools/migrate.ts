import { z } from 'zod';
import { databaseEnvSchema, databaseOptionsFrom } from '../config';
import { openDatabase } from '../database';

/**
 * Brings the schema up to date and exits: `npm run migrate`, or the one-off
 * job a deployment runs before new replicas take traffic. With
 * DATABASE_MIGRATIONS=run (the default) every service also migrates on start
 * (under an advisory lock), so this is only a way to fail a deploy early on a
 * migration that does not apply. Services that connect as minitwit_app run
 * with DATABASE_MIGRATIONS=wait and need this job, run as the schema owner
 * (minitwit_owner, infra/postgres-ha/roles.sql); it always migrates, whatever
 * DATABASE_MIGRATIONS says, so it can share the services' environment file.
 */
const parsed = databaseEnvSchema.safeParse(process.env);
if (!parsed.success) {
  process.stderr.write(`migrate: invalid environment\n${z.prettifyError(parsed.error)}\n`);
  process.exit(1);
}
const started = Date.now();
try {
  const db = await openDatabase({ ...databaseOptionsFrom(parsed.data), migrations: 'run' });
  await db.close();
  process.stdout.write(`migrate: schema up to date (${Date.now() - started} ms)\n`);
} catch (error) {
  process.stderr.write(`migrate: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
