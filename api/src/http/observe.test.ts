import { PassThrough } from 'node:stream';
import { createLogger, createServiceMetrics } from '@minitwit/monitoring';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { SLOW_REQUEST_MS, observeRequests } from './observe';

/** A real Express app behind the middleware, its log lines read back as JSON. */
async function logLinesFor(paths: string[]): Promise<Record<string, unknown>[]> {
  const destination = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  destination.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const app = express();
  app.use(observeRequests(createLogger({ service: 'test', destination }), createServiceMetrics('test')));
  app.get('/fast', (_req, res) => res.status(204).end());
  app.get('/slow', (_req, res) => setTimeout(() => res.status(204).end(), SLOW_REQUEST_MS + 50));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  try {
    for (const path of paths)
      await fetch(`http://127.0.0.1:${port}${path}`, { headers: { 'X-Request-Id': `id-${path.slice(1)}` } });
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  return lines;
}

describe('observeRequests', () => {
  it('logs a request slower than SLOW_REQUEST_MS at warn, with its route, time and id, and a fast one not at all', async () => {
    const lines = await logLinesFor(['/fast', '/slow']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', message: 'slow request', route: '/slow', requestId: 'id-slow' });
    expect(lines[0]!.ms).toBeGreaterThan(SLOW_REQUEST_MS);
  });
});
