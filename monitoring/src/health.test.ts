import { describe, expect, it } from 'vitest';
import { runHealthChecks } from './health';

describe('runHealthChecks', () => {
  it('is healthy when every check answers', async () => {
    const report = await runHealthChecks({ database: async () => {}, redis: async () => {} });
    expect(report).toEqual({
      healthy: true,
      status: 200,
      body: { status: 'ok', checks: { database: 'ok', redis: 'ok' } },
    });
  });

  it('names the failing dependency and answers 503', async () => {
    const report = await runHealthChecks({
      database: async () => {},
      redis: async () => {
        throw new Error('connection refused');
      },
    });
    expect(report.status).toBe(503);
    expect(report.body).toEqual({
      status: 'unavailable',
      checks: { database: 'ok', redis: 'failing: connection refused' },
    });
  });

  it('reports an optional dependency that fails as degraded, still ready (200)', async () => {
    const failingRedis = async () => {
      throw new Error('connection refused');
    };
    const report = await runHealthChecks({ database: async () => {}, redis: failingRedis }, undefined, {
      optional: ['redis'],
    });
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      status: 'degraded',
      checks: { database: 'ok', redis: 'failing: connection refused' },
    });
    const down = await runHealthChecks({ database: failingRedis, redis: failingRedis }, undefined, {
      optional: ['redis'],
    });
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
  });

  it('counts a check that does not answer within a second as failing', async () => {
    const report = await runHealthChecks({ database: () => new Promise(() => {}) });
    expect(report.body.checks.database).toBe('failing: no answer within 1000 ms');
  });
});
