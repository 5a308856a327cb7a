import winston from 'winston';

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Tests pass `true` to keep their output readable; logs still go through winston. */
  silent?: boolean;
}

/**
 * One JSON object per line on stdout, always carrying `service`; request-scoped
 * loggers add `requestId` with `logger.child({ requestId })`.
 */
export function createLogger({ service, level = 'info', silent = false }: LoggerOptions): Logger {
  return winston.createLogger({
    level,
    silent,
    defaultMeta: { service },
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console()],
  });
}
