import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEARTBEAT } from '../heartbeat';
import { rawSocket, waitFor } from '../testing/harness';
import { type RealtimeProcess, startRealtimeProcess } from '../testing/realtime-process';

/**
 * REALTIME_PING_INTERVAL_MS reaches the server the process starts
 * (`npm run start:realtime`): its pings arrive at that pace, far faster than
 * the default. Embedded database, no Redis: the heartbeat needs neither.
 */
describe('realtime process, heartbeat from the environment', () => {
  let server: RealtimeProcess;

  beforeAll(async () => {
    server = await startRealtimeProcess({ env: { REALTIME_PING_INTERVAL_MS: '500', REALTIME_PING_TIMEOUT_MS: '500' } });
  });
  afterAll(() => server?.stop());

  it('pings every REALTIME_PING_INTERVAL_MS', async () => {
    expect(DEFAULT_HEARTBEAT.intervalMs).toBeGreaterThanOrEqual(2_000);
    const socket = rawSocket(server.url);
    try {
      let pings = 0;
      socket.io.on('ping', () => (pings += 1));
      await waitFor(() => socket.connected, 'the socket');
      const since = Date.now();
      await waitFor(() => pings >= 3, 'three pings', 5_000);
      // Three pings 500 ms apart: about 1.5 s; the default interval would have sent none by then.
      expect(Date.now() - since).toBeLessThan(DEFAULT_HEARTBEAT.intervalMs);
    } finally {
      socket.disconnect();
    }
  });
});
