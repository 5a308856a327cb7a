import { createLogger, createServiceMetrics } from '@minitwit/monitoring';
import { type RealtimeConfig, loadRealtimeConfig } from './config';
import { startRealtime } from './server/start';

/**
 * A standalone realtime server: `tsx realtime/src/main.ts`; several may run side by side on other
 * ports, each with its own REALTIME_PORT and REALTIME_INTERNAL_PORT (0 picks a free one).
 */
let config: RealtimeConfig;
try {
  config = loadRealtimeConfig();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const logger = createLogger({ service: 'realtime', level: config.LOG_LEVEL });
const running = await startRealtime(config, logger, createServiceMetrics('realtime')).catch((error: unknown) => {
  logger.error('realtime server failed to start', { error });
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info('realtime server stopping', { signal });
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('realtime server stopped uncleanly', { error });
        process.exit(1);
      },
    );
  });
}
