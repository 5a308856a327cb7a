import { metricSample } from '@minitwit/monitoring/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUnderTest, startApiUnderTest } from './testing/api-under-test';

const AUTH = { Authorization: 'Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh', 'Content-Type': 'application/json' };

/** The API's `/metrics`: its families and their labels, after real requests. */
describe('API metrics', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await startApiUnderTest('embedded');
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('exposes requests by route template, in-flight, the pool and the business figures', async () => {
    await fetch(`${api.url}/register?latest=7`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({ username: 'counted user', email: 'c@example.com', pwd: 'x' }),
    });
    await fetch(`${api.url}/msgs/counted%20user`, { method: 'POST', headers: AUTH, body: '{"content":"hi"}' });
    await fetch(`${api.url}/msgs/nobody`, { method: 'POST', headers: AUTH, body: '{"content":"hi"}' });
    const text = await (await fetch(`${api.internalUrl}/metrics`)).text();
    const value = (name: string, labels: Record<string, string>) =>
      metricSample(text, name, { service: 'api', ...labels });
    // The route template, never the username.
    expect(value('http_requests_total', { method: 'POST', route: '/msgs/:username', status: '204' })).toBe(1);
    expect(value('http_requests_total', { method: 'POST', route: '/msgs/:username', status: '404' })).toBe(1);
    expect(text).not.toContain('counted user');
    expect(value('http_request_duration_seconds_count', { method: 'POST', route: '/register', status: '204' })).toBe(1);
    // Nothing in flight: the scrape is on the internal port, which is no public request.
    expect(value('http_requests_in_flight', {})).toBe(0);
    expect(value('db_pool_connections', { state: 'max' })).toBeGreaterThan(0);
    expect(value('db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(value('minitwit_entities', { kind: 'users' })).toBe(1);
    expect(value('minitwit_entities', { kind: 'messages' })).toBe(1);
    expect(value('minitwit_entities', { kind: 'follows' })).toBe(0);
    expect(value('minitwit_entities', { kind: 'flagged' })).toBe(0);
    expect(value('minitwit_simulator_latest', {})).toBe(7);
  });
});
