import { describe, expect, it } from 'vitest';
import { parseWebConfig } from './config-schema';

describe('parseWebConfig', () => {
  it('fills defaults and treats empty values as unset', () => {
    const config = parseWebConfig({ DATABASE_URL: '', SESSION_TTL_HOURS: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SESSION_TTL_HOURS).toBe(336);
    expect(config.DATA_DIR).toBe('.data/pglite');
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.REDIS_CHANNEL).toBe('socket.io');
  });

  it('reads the Redis the publisher must share with the realtime servers', () => {
    const config = parseWebConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CHANNEL: 'minitwit' });
    expect(config).toMatchObject({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CHANNEL: 'minitwit' });
    expect(() => parseWebConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL: must be a redis/);
  });

  it('reads the values it is given', () => {
    const config = parseWebConfig({ SESSION_TTL_HOURS: '2', ORIGIN: 'https://minitwit.example', LOG_LEVEL: 'warn' });
    expect(config).toMatchObject({ SESSION_TTL_HOURS: 2, ORIGIN: 'https://minitwit.example', LOG_LEVEL: 'warn' });
  });

  it('names every bad variable in one message', () => {
    expect(() => parseWebConfig({ SESSION_TTL_HOURS: 'soon', ORIGIN: 'ftp://x', DATABASE_URL: 'mysql://x' })).toThrow(
      /SESSION_TTL_HOURS[\s\S]*ORIGIN|ORIGIN[\s\S]*SESSION_TTL_HOURS/,
    );
    expect(() => parseWebConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres/);
  });
});
