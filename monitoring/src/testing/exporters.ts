import { existsSync } from 'node:fs';
import { type RunningProcess, freePort, startProcess, waitForHttp } from './processes';

/** Debian's packages of the exporters the compose overlay runs from their upstream images. */
export const EXPORTERS = {
  postgres: '/usr/bin/prometheus-postgres-exporter',
  redis: '/usr/bin/prometheus-redis-exporter',
  node: '/usr/bin/prometheus-node-exporter',
} as const;

export const missingExporters = (): string[] => Object.values(EXPORTERS).filter((path) => !existsSync(path));

const queries = new URL('../../postgres-exporter/queries.yml', import.meta.url).pathname;

export interface Exporters {
  /** `host:port` per scrape job (postgres, redis, node). */
  targets: Record<'postgres' | 'redis' | 'node', string>;
  stop(): Promise<void>;
}

/**
 * The three exporters as processes on random ports, against the given
 * PostgreSQL database and Redis — with the same extra queries file the
 * overlay mounts.
 */
export async function startExporters(options: { databaseUrl: string; redisUrl: string }): Promise<Exporters> {
  const started: RunningProcess[] = [];
  try {
    const [pgPort, redisPort, nodePort] = [await freePort(), await freePort(), await freePort()];
    const dsn = new URL(options.databaseUrl);
    dsn.searchParams.set('sslmode', 'disable');
    const postgres = startProcess(
      EXPORTERS.postgres,
      [`--web.listen-address=127.0.0.1:${pgPort}`, `--extend.query-path=${queries}`],
      { DATA_SOURCE_NAME: dsn.toString() },
    );
    started.push(postgres);
    const redis = startProcess(EXPORTERS.redis, [
      `--redis.addr=${options.redisUrl}`,
      `--web.listen-address=127.0.0.1:${redisPort}`,
    ]);
    started.push(redis);
    const node = startProcess(EXPORTERS.node, [`--web.listen-address=127.0.0.1:${nodePort}`]);
    started.push(node);
    await waitForHttp(`http://127.0.0.1:${pgPort}/metrics`, postgres);
    await waitForHttp(`http://127.0.0.1:${redisPort}/metrics`, redis);
    await waitForHttp(`http://127.0.0.1:${nodePort}/metrics`, node);
    return {
      targets: {
        postgres: `127.0.0.1:${pgPort}`,
        redis: `127.0.0.1:${redisPort}`,
        node: `127.0.0.1:${nodePort}`,
      },
      async stop() {
        await Promise.all(started.map((process) => process.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((process) => process.stop()));
    throw error;
  }
}
