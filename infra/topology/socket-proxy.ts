import { request } from 'node:http';

/**
 * The log shipper's way to the Docker engine (docker-socket-proxy,
 * monitoring/docker-socket-proxy/nginx.conf), asked through its socket: what
 * Alloy reads answers as the engine answers it; every write, and every read
 * Alloy does not need (a container's files, the swarm's secrets, images),
 * is refused with 403 before it reaches the engine.
 * Usage: socket-proxy.ts <the proxy's socket> <a container's id>
 * Prints one JSON line; exits 1 when any answer is not the expected one.
 */
const [socketPath, container] = process.argv.slice(2);
if (!socketPath || !container) throw new Error('usage: socket-proxy.ts <socket> <container id>');

type Case = [method: string, path: string, status: number, body?: string];
const cases: Case[] = [
  ['GET', '/_ping', 200],
  ['HEAD', '/_ping', 200],
  ['GET', '/version', 200],
  ['GET', '/v1.41/containers/json?all=1', 200],
  ['GET', '/networks', 200],
  ['GET', `/containers/${container}/json`, 200],
  ['GET', `/v1.41/containers/${container}/logs?stdout=1&stderr=1&tail=1`, 200],
  ['POST', '/containers/create', 403, JSON.stringify({ Image: 'minitwit:topology-1', Cmd: ['true'] })],
  ['POST', '/v1.41/containers/create?name=minitwit-topology-forged', 403, JSON.stringify({ Image: 'x' })],
  ['POST', '/containers/json', 403],
  ['POST', `/containers/${container}/kill`, 403],
  ['POST', `/containers/${container}/exec`, 403, JSON.stringify({ Cmd: ['id'] })],
  ['DELETE', `/containers/${container}`, 403],
  ['PUT', `/containers/${container}/archive?path=/tmp`, 403],
  ['GET', `/containers/${container}/archive?path=/run/secrets`, 403],
  ['GET', `/containers/${container}/export`, 403],
  ['GET', '/secrets', 403],
  ['GET', '/images/json', 403],
  ['GET', '/containers/json/../../secrets', 403],
  ['GET', `/containers/${container}%2F..%2F..%2Fsecrets/json`, 403],
];

function ask(method: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
        timeout: 5000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const results: { request: string; status: number; expected: number }[] = [];
for (const [method, path, expected, body] of cases) {
  const status = await ask(method, path, body).catch(() => -1);
  results.push({ request: `${method} ${path.replace(container, '<id>')}`, status, expected });
}
const wrong = results.filter((r) => r.status !== r.expected);
for (const r of results) console.error(`${r.status === r.expected ? 'ok   ' : 'WRONG'} ${r.status} ${r.request}`);
process.stdout.write(`${JSON.stringify({ asked: results.length, wrong })}\n`);
process.exit(wrong.length === 0 ? 0 : 1);
