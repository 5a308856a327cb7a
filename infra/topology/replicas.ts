/**
 * Reads a metric from every running container of one service, from inside
 * the container (docker exec), so the tests never address container IPs.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DOCKER = process.env.DOCKER ?? 'docker';

/** Running container ids carrying a label, e.g. com.docker.swarm.service.name=minitwit_realtime. */
export async function containersWith(label: string): Promise<string[]> {
  const { stdout } = await run(DOCKER, ['ps', '-q', '--filter', `label=${label}`, '--filter', 'status=running']);
  return stdout.split('\n').filter(Boolean);
}

/** The sum of a metric's samples on one container's /metrics (0 when absent). */
export async function metricOf(container: string, port: number, name: string): Promise<number> {
  const script = `fetch('http://127.0.0.1:${port}/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))`;
  const { stdout } = await run(DOCKER, ['exec', container, 'node', '-e', script], { timeout: 20_000 });
  let sum = 0;
  for (const line of stdout.split('\n')) {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`).exec(line);
    if (match) sum += Number(match[1]);
  }
  return sum;
}

/** The metric on every running container of the service, keyed by a short container id. */
export async function metricPerReplica(label: string, port: number, name: string): Promise<Record<string, number>> {
  const ids = await containersWith(label);
  const values = await Promise.all(ids.map((id) => metricOf(id, port, name)));
  return Object.fromEntries(ids.map((id, n) => [id.slice(0, 12), values[n] ?? 0]));
}
