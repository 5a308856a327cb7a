/**
 * Which replica served what, read from the proxy's access log (it logs the
 * upstream address of every request): the tests never exec into the app
 * containers or send traffic to container addresses.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DOCKER = process.env.DOCKER ?? 'docker';

/** Running container ids carrying every one of the labels (comma-separated), e.g. com.docker.swarm.service.name=minitwit_realtime. */
export async function containersWith(labels: string): Promise<string[]> {
  const filters = labels.split(',').flatMap((label) => ['--filter', `label=${label}`]);
  const { stdout } = await run(DOCKER, ['ps', '-q', ...filters, '--filter', 'status=running']);
  return stdout.split('\n').filter(Boolean);
}

interface AccessLine {
  uri: string;
  status: number;
  /** Every address tried, comma-separated ("a, b" after a failed connect). */
  upstream: string;
  /** Seconds the proxy took, whole request. */
  ms: number;
  /** Connect time per address tried, seconds (absent from older configs' log format). */
  upstream_ms: string;
  /** Response time per address tried, seconds: the replica's own share of `ms` (absent from older configs). */
  upstream_rt: string;
  /** When nginx logged it (RFC 3339). */
  time: string;
  /** Time to the replica's response header per address tried, seconds (absent from older configs). */
  upstream_ht?: string;
  /** The request's size as read, header and body, bytes (absent from older configs). */
  request_length?: number;
  /** The nginx worker that served it (absent from older configs). */
  pid?: number;
  /** When nginx logged it, Unix seconds with milliseconds (absent from older configs). */
  msec?: number;
}

/** The proxy containers' access-log lines since a time (RFC 3339), parsed. */
export async function proxyLogSince(proxyLabel: string, since: string): Promise<AccessLine[]> {
  const lines: AccessLine[] = [];
  for (const id of await containersWith(proxyLabel)) {
    const { stdout } = await run(DOCKER, ['logs', '--since', since, id], { maxBuffer: 64 * 1024 * 1024 });
    for (const line of stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push({
          upstream_ms: '',
          upstream_rt: '',
          ...(JSON.parse(line) as Omit<AccessLine, 'upstream_ms' | 'upstream_rt'>),
        });
      } catch {
        // not an access-log line
      }
    }
  }
  return lines;
}
