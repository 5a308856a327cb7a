import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtWebMissing, startWebOnOwnDatabase } from './testing/web-process';

const missing = builtWebMissing();
if (missing) console.warn(`SKIPPED: the built web app's shutdown — ${missing}`);

/**
 * A rolling deploy stops a web replica while the proxy holds pooled keep-alive connections to it
 * (infra/nginx/backends*.conf). adapter-node's own shutdown dropped them at once, and a form POST
 * the proxy had just sent on one met a reset (serve.ts). The built server now answers on such a
 * connection with `Connection: close`, refuses new connections, and exits once they are gone.
 */
describe.skipIf(Boolean(missing))("the built web app's shutdown", () => {
  let web: Awaited<ReturnType<typeof startWebOnOwnDatabase>>;

  beforeAll(async () => {
    web = await startWebOnOwnDatabase('minitwit-shutdown-');
  });
  afterAll(async () => {
    await web?.dispose();
  });

  it('answers a request on a kept connection after SIGTERM with Connection: close, then exits', async () => {
    const { hostname, port } = new URL(web.url);
    const client = connect(Number(port), hostname);
    let text = '';
    client.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const closed = new Promise((resolve) => client.once('close', resolve));
    const request = `GET /public HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`;
    client.write(request);
    await expect.poll(() => text, { timeout: 10_000 }).toMatch(/<\/html>/);
    expect(text).not.toMatch(/connection: close/i);
    text = '';

    const exited = new Promise<number | null>((resolve) => web.child.once('exit', (code) => resolve(code)));
    web.child.kill('SIGTERM');
    // As the proxy does in the second before it has re-resolved the replica away.
    await new Promise((resolve) => setTimeout(resolve, 300));
    client.write(request);
    await closed;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toMatch(/\r\nconnection: close\r\n/i);
    await expect(fetch(`${web.url}/public`)).rejects.toThrow();
    expect(await exited).toBe(0);
  });
});
