import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { entities } from './entities';
import { migrationsList } from './migrations';

export type ConnectionTarget =
  | { url: string; poolSize: number }
  /** The embedded server: a Unix socket, and a single connection (PGlite is one session). */
  | { socketDir: string; port: number };

function connectionOptions(target: ConnectionTarget): Options {
  if ('url' in target) return { clientUrl: target.url, pool: { min: 1, max: target.poolSize } };
  return {
    host: target.socketDir,
    port: target.port,
    user: 'postgres',
    dbName: 'postgres',
    pool: { min: 1, max: 1 },
  };
}

/** Opens the ORM and brings the schema up to date: migrations are the only schema changes. */
export async function openOrm(target: ConnectionTarget): Promise<MikroORM> {
  const orm = await MikroORM.init({
    ...connectionOptions(target),
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    discovery: { warnWhenNoEntities: false },
    debug: false,
    logger: () => undefined,
  });
  await orm.getMigrator().up();
  return orm;
}
