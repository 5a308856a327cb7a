import { request } from 'node:http';

/**
 * Spellings of `/metrics` and `/healthz` that some layer once took for the
 * real thing (issue 19): Express matched any case and a trailing slash,
 * SvelteKit strips `/__data.json` before the app's hook sees the path, and
 * nginx decodes percent-escapes, merges slashes and resolves dot segments
 * before it picks a location. None may reach an operator endpoint from a
 * public port.
 */
export const OPERATOR_PATH_SPELLINGS: readonly string[] = [
  '/metrics',
  '/healthz',
  '/METRICS',
  '/Metrics',
  '/HEALTHZ',
  '/Healthz',
  '/metrics/',
  '/healthz/',
  '/Metrics/',
  '/metrics?format=text',
  '/metrics/__data.json',
  '/healthz/__data.json',
  '/METRICS/__data.json',
  '/metrics/__data.json?x-sveltekit-invalidated=01',
  '//metrics',
  '/metrics//',
  '/%6Detrics',
  '/%6detrics/',
  '/healthz%2F',
  '/./metrics',
  '/public/../healthz',
];

export interface PlainAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One GET with the path sent exactly as given (fetch would normalise dot segments and escapes first). */
export function getExactly(origin: string, path: string, headers: Record<string, string> = {}): Promise<PlainAnswer> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, path, method: 'GET', agent: false, headers: { Connection: 'close', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Whether an answer is (part of) what an operator endpoint shows: Prometheus text or a health report. */
export function looksLikeOperatorAnswer(body: string): boolean {
  return /# (HELP|TYPE) |process_cpu|"checks"\s*:/.test(body);
}

/**
 * The spellings a public origin does not refuse with a plain 404, as
 * `path → status` (and `, operator content` when the body is one): empty
 * when every spelling is refused, so a failure names them all at once.
 */
export async function unrefusedSpellings(origin: string, headers: Record<string, string> = {}): Promise<string[]> {
  const unrefused: string[] = [];
  for (const path of OPERATOR_PATH_SPELLINGS) {
    const answer = await getExactly(origin, path, headers);
    const leaked = looksLikeOperatorAnswer(answer.body);
    if (answer.status !== 404 || leaked)
      unrefused.push(`${path} → ${answer.status}${leaked ? ', operator content' : ''}`);
  }
  return unrefused;
}
