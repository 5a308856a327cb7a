import type { MikroORM } from '@mikro-orm/postgresql';
import type { DatabaseOptions } from './config';
import { FollowStore } from './domain/follows';
import { MessageStore } from './domain/messages';
import { SessionStore } from './domain/sessions';
import { SimulatorStateStore } from './domain/simulator-state';
import { StatsReader } from './domain/stats';
import { SuggestionReader } from './domain/suggestions';
import { TimelineReader } from './domain/timelines';
import { UserStore } from './domain/users';
import { type DiskGuard, guardDisk } from './disk-guard';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded';
import { type ConnectionTarget, openOrm } from './orm';
import { type PoolStats, openPool, poolStats } from './pool';
import { type Sql, sqlFor } from './sql';

/** The one door to the data: every front door (api, web, realtime) uses these stores. */
export interface Database {
  orm: MikroORM;
  sql: Sql;
  users: UserStore;
  messages: MessageStore;
  follows: FollowStore;
  sessions: SessionStore;
  timelines: TimelineReader;
  simulator: SimulatorStateStore;
  stats: StatsReader;
  /** People a viewer might follow (an empty My Timeline suggests them). */
  suggestions: SuggestionReader;
  /** True when running on the embedded PostgreSQL (no DATABASE_URL). */
  embedded: boolean;
  /** Cheap liveness query for health endpoints. */
  ping(): Promise<void>;
  /** The domain statements' pool right now (in use, idle, waiting, max), for the metrics. */
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let orm: MikroORM;
  let target: ConnectionTarget;
  if (options.url) {
    target = { url: options.url, poolSize: options.poolSize ?? 10, queryReadTimeoutMs: options.queryReadTimeoutMs };
    orm = await openOrm(target, {
      mode: options.migrations,
      waitMs: options.migrationWaitMs,
      logger: options.logger,
    });
  } else {
    embedded = await startEmbeddedPostgres(options.dataDir);
    target = { socketDir: embedded.socketDir, port: embedded.port };
    try {
      orm = await openOrm(target);
    } catch (error) {
      await embedded.stop();
      throw error;
    }
  }
  const pool = openPool(target);
  let sql = sqlFor(pool, { named: embedded === undefined });
  let disk: DiskGuard | undefined;
  if (embedded) {
    // PGlite hangs the process once its disk is really full (disk-guard.ts): under the reserve its one
    // session turns read-only, so a write fails at once (25006, answered as the guard's DiskFullError)
    // while reads go on.
    const guard = guardDisk({
      dir: options.dataDir,
      logger: options.logger,
      reserveBytes: options.diskReserveBytes,
      setReadOnly: async (readOnly) => {
        await pool.query(`set default_transaction_read_only = ${readOnly ? 'on' : 'off'}`);
      },
    });
    disk = guard;
    await guard.check();
    sql = refuseWritesWhenFull(sql, guard);
  }
  return {
    orm,
    sql,
    users: new UserStore(sql),
    messages: new MessageStore(sql, orm),
    follows: new FollowStore(sql),
    sessions: new SessionStore(sql),
    timelines: new TimelineReader(sql),
    simulator: new SimulatorStateStore(sql),
    stats: new StatsReader(orm),
    suggestions: new SuggestionReader(sql),
    embedded: embedded !== undefined,
    async ping() {
      await sql('select 1');
    },
    poolStats: () => poolStats(pool),
    async close() {
      disk?.stop();
      await pool.end();
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

/** SQLSTATE read_only_sql_transaction: what a write gets from the session the disk guard made read-only. */
const READ_ONLY_TRANSACTION = '25006';

/** A write refused by the read-only session is reported as what it is: the disk is full. */
function refuseWritesWhenFull(sql: Sql, guard: DiskGuard): Sql {
  return async <Row = Record<string, unknown>>(query: string, params?: readonly unknown[]) => {
    try {
      return await sql<Row>(query, params);
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== READ_ONLY_TRANSACTION || !guard.full()) throw error;
      throw Object.assign(guard.refusal(), { cause: error });
    }
  };
}
