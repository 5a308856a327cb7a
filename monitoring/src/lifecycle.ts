import type { Logger } from './logger';

/**
 * Process-level safety for a service: log (never crash on) stray promise
 * rejections, and on SIGTERM/SIGINT run the shutdown steps in order — stop
 * accepting, finish in-flight work, close pools — then exit.
 */
export function handleShutdown(logger: Logger, steps: Array<() => Promise<void>>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    let code = 0;
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        code = 1;
        logger.error('shutdown step failed', { error });
      }
    }
    logger.info('stopped', { signal });
    process.exit(code);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { error: reason }));
}
