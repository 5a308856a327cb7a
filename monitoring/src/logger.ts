import winston from 'winston';
import { redactRecord } from './redact';

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Tests pass `true` to keep their output readable; logs still go through winston. */
  silent?: boolean;
  /** Where the lines go; stdout by default. Tests read them back from a stream. */
  destination?: NodeJS.WritableStream;
}

/** Strips secrets from every record before it is written (see redact.ts). */
const redactSecrets = winston.format((info) => redactRecord(info));

/**
 * One JSON object per line on stdout, always carrying `service`; request-scoped
 * loggers add `requestId` with `logger.child({ requestId })`. Never carries a
 * password, session token, cookie or credential: every record is redacted.
 */
export function createLogger({ service, level = 'info', silent = false, destination }: LoggerOptions): Logger {
  return winston.createLogger({
    level,
    silent,
    defaultMeta: { service },
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      redactSecrets(),
      winston.format.json(),
    ),
    transports: [
      destination ? new winston.transports.Stream({ stream: destination }) : new winston.transports.Console(),
    ],
  });
}
