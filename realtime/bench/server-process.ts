import { listenApi } from '@minitwit/api';
import { createLogger, createServiceMetrics } from '@minitwit/monitoring';
import { loadRealtimeConfig } from '../src/config';
import { inProcessPublisher } from '../src/publish/local-hub';
import { startRealtime } from '../src/server/start';

/**
 * One realtime server of the benchmark, forked with --expose-gc and driven
 * over IPC: it reports its port and measures its memory after a full GC on
 * request. With BENCH_WITH_API=1 (the baseline) it also serves the simulator
 * API in the same process, publishing through the in-process publisher: the
 * one-process shape `npm start` runs without REDIS_URL.
 */
export type ServerCommand = { type: 'measure' } | { type: 'stop' };
export type ServerReply =
  { type: 'ready'; port: number; apiUrl?: string } | { type: 'memory'; heapUsed: number; rss: number; sockets: number };

const config = loadRealtimeConfig();
const logger = createLogger({ service: 'realtime-bench', level: config.LOG_LEVEL });
const running = await startRealtime(config, logger, createServiceMetrics('realtime'));
const api =
  process.env.BENCH_WITH_API === '1'
    ? await listenApi(
        {
          db: running.db,
          publisher: inProcessPublisher,
          logger,
          metrics: createServiceMetrics('api'),
          simulatorCredentials: 'simulator:super_safe!',
        },
        '127.0.0.1',
        0,
      )
    : undefined;
const send = (message: ServerReply) => process.send?.(message);

// Exposed by --expose-gc. Several passes: one full GC can leave weakly held and finalizable garbage behind.
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function stop(): Promise<never> {
  await api?.close().catch(() => {});
  await running.stop();
  process.exit(0);
}

process.on('message', (command: ServerCommand) => {
  if (command.type === 'measure') {
    for (let i = 0; i < 4; i += 1) collect();
    const { heapUsed, rss } = process.memoryUsage();
    send({ type: 'memory', heapUsed, rss, sockets: running.server.io.engine.clientsCount });
  } else if (command.type === 'stop') {
    void stop();
  }
});
// The bench may die without saying stop; a server of its own must not outlive it.
process.on('disconnect', () => void stop());
send({ type: 'ready', port: running.port, ...(api ? { apiUrl: api.url } : {}) });
