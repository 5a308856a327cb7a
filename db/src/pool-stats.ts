import type { MikroORM } from '@mikro-orm/postgresql';

/** The pool's state for the metrics (`db_pool_connections`); shaped like @minitwit/monitoring's PoolStats. */
export interface PoolStats {
  inUse: number;
  idle: number;
  waiting: number;
  max: number;
}

/** The tarn pool knex keeps under MikroORM's postgresql driver: the calls we read. */
interface TarnPool {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/** Reads the ORM's connection pool (the one `sql` borrows from too); undefined once it is closed. */
export function poolStatsReader(orm: MikroORM): () => PoolStats | undefined {
  return () => {
    const pool = (orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
    if (!pool) return undefined;
    return { inUse: pool.numUsed(), idle: pool.numFree(), waiting: pool.numPendingAcquires(), max: pool.max };
  };
}
