import { Agent, request } from 'node:http';
import { now } from './clock';

/** The simulator's published Basic credentials (`simulator:super_safe!`), what the API is started with. */
const AUTHORIZATION = 'Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh';

/**
 * Posts as the simulator does (`POST /msgs/<username>`) over kept-alive
 * connections and resolves with the time the 204 arrived: latency is measured
 * from there, the moment a simulator learns its write is done.
 */
export function createPoster(apiUrl: string) {
  // FIFO reuse keeps every pooled connection busy: none sits idle until the server's keep-alive
  // timeout (5 s) closes it just as a request goes out on it (ECONNRESET, a failed post).
  const agent = new Agent({ keepAlive: true, maxSockets: 16, scheduling: 'fifo' });
  const { hostname, port } = new URL(apiUrl);
  return {
    post(username: string, content: string): Promise<number> {
      const body = JSON.stringify({ content });
      return new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            hostname,
            port,
            method: 'POST',
            path: `/msgs/${encodeURIComponent(username)}`,
            headers: {
              authorization: AUTHORIZATION,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            const at = now();
            res.resume();
            if (res.statusCode === 204) resolve(at);
            else reject(new Error(`POST /msgs answered ${res.statusCode}`));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
