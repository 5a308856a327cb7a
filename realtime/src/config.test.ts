import { describe, expect, it } from 'vitest';
import { parseRealtimeConfig, socketCapsFrom } from './config';
import { DEFAULT_HEARTBEAT } from './heartbeat';
import { DEFAULT_SOCKET_CAPS } from './server/socket-caps';

describe('parseRealtimeConfig', () => {
  it('defaults to one process on 127.0.0.1:5002 without Redis', () => {
    const config = parseRealtimeConfig({});
    expect(config).toMatchObject({
      REALTIME_PORT: 5002,
      REALTIME_HOST: '127.0.0.1',
      REALTIME_PING_INTERVAL_MS: DEFAULT_HEARTBEAT.intervalMs,
      REALTIME_PING_TIMEOUT_MS: DEFAULT_HEARTBEAT.timeoutMs,
    });
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('treats an empty REDIS_URL as unset and splits CORS origins', () => {
    const config = parseRealtimeConfig({ REDIS_URL: '', REALTIME_CORS_ORIGINS: 'http://a, http://b' });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.REALTIME_CORS_ORIGINS).toEqual(['http://a', 'http://b']);
  });

  it('refuses a heartbeat too short to survive a busy event loop', () => {
    expect(() => parseRealtimeConfig({ REALTIME_PING_INTERVAL_MS: '100' })).toThrow(/REALTIME_PING_INTERVAL_MS/);
  });

  it('caps live sockets per session and per address by default, and takes 0 for no cap', () => {
    expect(socketCapsFrom(parseRealtimeConfig({}))).toEqual(DEFAULT_SOCKET_CAPS);
    const custom = parseRealtimeConfig({
      REALTIME_MAX_SOCKETS_PER_SESSION: '5',
      REALTIME_MAX_SOCKETS_PER_ADDRESS: '0',
      REALTIME_TRUST_PROXY_HOPS: '1',
    });
    expect(socketCapsFrom(custom)).toEqual({ perSession: 5, perAddress: 0, trustedProxyHops: 1 });
    expect(() => parseRealtimeConfig({ REALTIME_MAX_SOCKETS_PER_SESSION: '-1' })).toThrow(
      /REALTIME_MAX_SOCKETS_PER_SESSION/,
    );
    expect(() => parseRealtimeConfig({ REALTIME_MAX_SOCKETS_PER_ADDRESS: 'many' })).toThrow(
      /REALTIME_MAX_SOCKETS_PER_ADDRESS/,
    );
  });

  it('names every bad variable', () => {
    expect(() => parseRealtimeConfig({ REDIS_URL: 'http://x', REALTIME_PORT: 'abc' })).toThrow(
      /REDIS_URL[\s\S]*REALTIME_PORT|REALTIME_PORT[\s\S]*REDIS_URL/,
    );
  });
});
