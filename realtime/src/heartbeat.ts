/**
 * Socket.IO's ping interval and pong timeout (ms). A server that vanishes
 * without closing its sockets (host lost, container frozen) is noticed by its
 * browsers when a ping is overdue: interval + timeout. Why these values and
 * what they cost: docs/decisions.md, "Socket.IO heartbeat"
 * (`npm run bench:heartbeat` measures the cost). Overridden by
 * REALTIME_PING_INTERVAL_MS / REALTIME_PING_TIMEOUT_MS.
 */
export const DEFAULT_HEARTBEAT = { intervalMs: 2_000, timeoutMs: 2_000 } as const;
