import { request } from 'node:http';
import type { WriteRecord } from './writers';

/**
 * The web app as a browser without JavaScript uses it: a form post with the
 * session cookie and the page's own Origin (SvelteKit refuses cross-site
 * posts). A post is acknowledged by its 303 back to `/`.
 */
function call(
  url: URL,
  options: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; deadlineMs: number },
): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
      res.on('error', reject);
    });
    req.setTimeout(options.deadlineMs, () => req.destroy(new Error(`no answer within ${options.deadlineMs} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function webPost(
  webUrl: string,
  sessionToken: string,
  text: string,
  deadlineMs = 10_000,
): Promise<WriteRecord> {
  const body = new URLSearchParams({ text }).toString();
  const sentAt = Date.now();
  try {
    const answer = await call(new URL('/?/post', webUrl), {
      method: 'POST',
      deadlineMs,
      body,
      headers: {
        Connection: 'close',
        // A browser's form post; without it SvelteKit answers as to `use:enhance` (JSON, 200).
        Accept: 'text/html',
        Origin: new URL(webUrl).origin,
        Cookie: `session=${encodeURIComponent(sessionToken)}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': String(Buffer.byteLength(body)),
      },
    });
    return { text, username: 'web', status: answer.status, sentAt, answeredAt: Date.now() };
  } catch (error) {
    return { text, username: 'web', status: 0, sentAt, answeredAt: Date.now(), error: String(error) };
  }
}

/** A page view; the status and how long it took. */
export async function webGet(webUrl: string, path: string, deadlineMs = 10_000): Promise<WriteRecord> {
  const sentAt = Date.now();
  try {
    const answer = await call(new URL(path, webUrl), {
      method: 'GET',
      deadlineMs,
      headers: { Connection: 'close', Accept: 'text/html' },
    });
    return { text: path, username: 'reader', status: answer.status, sentAt, answeredAt: Date.now() };
  } catch (error) {
    return { text: path, username: 'reader', status: 0, sentAt, answeredAt: Date.now(), error: String(error) };
  }
}
