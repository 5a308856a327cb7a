import { createLogger } from '@minitwit/monitoring';
import { describe, expect, it, vi } from 'vitest';
import { refuseCrossSiteForm } from './origin-check';

const url = new URL('http://localhost:8080/login');
const form = (origin: string | null, method = 'POST', type = 'application/x-www-form-urlencoded') =>
  new Request(url, {
    method,
    headers: { 'content-type': type, ...(origin ? { origin } : {}) },
    body: method === 'GET' ? undefined : 'a=1',
  });

function logged() {
  const logger = createLogger({ service: 'web-test', silent: true });
  const warn = vi.spyOn(logger, 'warn');
  return { logger, warn };
}

describe('refuseCrossSiteForm', () => {
  it('refuses a form post from another origin with 403 and logs the expected and the received origin', async () => {
    const { logger, warn } = logged();
    const refused = refuseCrossSiteForm(form('http://127.0.0.1:8080'), url, logger);
    expect(refused?.status).toBe(403);
    expect(await refused?.text()).toBe('Cross-site POST form submissions are forbidden');
    expect(warn).toHaveBeenCalledWith(
      'form post refused: origin mismatch',
      expect.objectContaining({ expected: 'http://localhost:8080', received: 'http://127.0.0.1:8080' }),
    );
  });

  it('refuses a form post without an Origin, and answers JSON to a JSON client', async () => {
    const { logger, warn } = logged();
    const request = new Request(url, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x', accept: 'application/json' },
      body: '',
    });
    const refused = refuseCrossSiteForm(request, url, logger);
    expect(refused?.status).toBe(403);
    expect(await refused?.json()).toEqual({ message: 'Cross-site POST form submissions are forbidden' });
    expect(warn).toHaveBeenCalledWith(
      'form post refused: origin mismatch',
      expect.objectContaining({ received: null }),
    );
  });

  it('lets same-origin form posts, reads and non-form bodies through, logging nothing', () => {
    const { logger, warn } = logged();
    expect(refuseCrossSiteForm(form('http://localhost:8080'), url, logger)).toBeNull();
    expect(refuseCrossSiteForm(form('http://evil.example', 'GET'), url, logger)).toBeNull();
    expect(refuseCrossSiteForm(form('http://evil.example', 'POST', 'application/json'), url, logger)).toBeNull();
    expect(warn).not.toHaveBeenCalled();
  });
});
