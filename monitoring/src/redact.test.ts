import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { REDACTED, redact, redactText } from './redact';

/** Logs through the real logger (formats and all) and returns the lines written. */
async function logged(write: (logger: ReturnType<typeof createLogger>) => void): Promise<string[]> {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger({ service: 'redaction-test', level: 'debug', destination: stream });
  write(logger);
  await new Promise((resolve) => setImmediate(resolve));
  return chunks.join('').trim().split('\n');
}

const PASSWORD = 'hunter2-correct-horse';
const SESSION = 'a1b2c3d4e5f6a7b8c9d0e1f2';
const BASIC = 'c2ltdWxhdG9yOnN1cGVyX3NhZmUh';

describe('log redaction', () => {
  it('never writes a password, session, cookie or Authorization header, at any depth', async () => {
    const lines = await logged((logger) => {
      logger.info('register', { username: 'ivy', password: PASSWORD, password2: PASSWORD });
      logger.info('api register', { body: { username: 'ivy', email: 'i@example.com', pwd: PASSWORD } });
      logger.http('request', {
        headers: { authorization: `Basic ${BASIC}`, cookie: `session=${SESSION}`, 'x-request-id': 'r-1' },
      });
      logger.warn('response', { 'Set-Cookie': `session=${SESSION}; HttpOnly`, sessionToken: SESSION });
      logger.child({ requestId: 'r-2' }).error('login failed', { form: [{ name: 'password', Password: PASSWORD }] });
    });
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(line).not.toContain(PASSWORD);
      expect(line).not.toContain(SESSION);
      expect(line).not.toContain(BASIC);
      expect(JSON.parse(line)).toMatchObject({ service: 'redaction-test' });
    }
    expect(JSON.parse(lines[0]!)).toMatchObject({ username: 'ivy', password: REDACTED, password2: REDACTED });
    expect(JSON.parse(lines[2]!).headers).toEqual({
      authorization: REDACTED,
      cookie: REDACTED,
      'x-request-id': 'r-1',
    });
    expect(JSON.parse(lines[4]!)).toMatchObject({ requestId: 'r-2', form: [{ name: 'password', Password: REDACTED }] });
  });

  it('hides secrets inside free text and error messages, keeping the rest readable', async () => {
    const lines = await logged((logger) => {
      logger.error('upstream refused', {
        error: new Error(`GET /?password=${PASSWORD}&x=1 with Authorization: Basic ${BASIC} failed`),
      });
      logger.error(`cannot connect to postgres://minitwit:${PASSWORD}@postgres:5432/minitwit`);
      logger.info(`Cookie: session=${SESSION}; theme=dark`);
      logger.info('raw body', { text: `{"username":"ivy","pwd":"${PASSWORD}"}` });
    });
    const all = lines.join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(SESSION);
    expect(all).not.toContain(BASIC);
    const error = JSON.parse(lines[0]!).error as { name: string; message: string; stack: string };
    // An Error in the metadata is logged with its message and stack (JSON alone would write `{}`).
    expect(error.name).toBe('Error');
    expect(error.message).toBe(`GET /?password=${REDACTED}&x=1 with Authorization: Basic ${REDACTED} failed`);
    expect(error.stack).toContain('redact.test.ts');
    expect(JSON.parse(lines[1]!).message).toBe(
      `cannot connect to postgres://minitwit:${REDACTED}@postgres:5432/minitwit`,
    );
    expect(JSON.parse(lines[2]!).message).toBe(`Cookie: session=${REDACTED}; theme=dark`);
    expect(JSON.parse(lines[3]!).text).toBe(`{"username":"ivy","pwd":"${REDACTED}"}`);
  });

  it('copies instead of changing what it was given, and survives cycles', () => {
    const headers = { authorization: `Bearer ${BASIC}`, accept: 'text/html' };
    const cyclic: Record<string, unknown> = { headers };
    cyclic.self = cyclic;
    const copy = redact(cyclic) as Record<string, unknown>;
    expect(copy).toEqual({ headers: { authorization: REDACTED, accept: 'text/html' }, self: '[Circular]' });
    expect(headers.authorization).toBe(`Bearer ${BASIC}`);
  });

  it('leaves ordinary text alone', () => {
    const text = 'user "Basic Instinct fan" posted: my session was great, password managers rock';
    expect(redactText(text)).toBe(text);
  });
});
