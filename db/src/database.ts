import type { MikroORM } from '@mikro-orm/postgresql';
import type { DatabaseOptions } from './config';
import { FollowStore } from './domain/follows';
import { MessageStore } from './domain/messages';
import { SessionStore } from './domain/sessions';
import { SimulatorStateStore } from './domain/simulator-state';
import { StatsReader } from './domain/stats';
import { TimelineReader } from './domain/timelines';
import { UserStore } from './domain/users';
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
    target = { url: options.url, poolSize: options.poolSize ?? 10 };
    orm = await openOrm(target);
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
  const sql = sqlFor(pool, { named: embedded === undefined });
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
    embedded: embedded !== undefined,
    async ping() {
      await sql('select 1');
    },
    poolStats: () => poolStats(pool),
    async close() {
      await pool.end();
      await orm.close(true);
      await embedded?.stop();
    },
  };
}
