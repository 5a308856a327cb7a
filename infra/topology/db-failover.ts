/**
 * Simulator writes across a database failover (infra/topology/run.sh): posts
 * through the proxy's simulator API at a steady rate, one request at a time,
 * until the stop file appears; meanwhile run.sh kills the primary's
 * container. Then it reads the author's messages back through the API and
 * prints one JSON line:
 *   - requests, acknowledged (204) and refused ones (anything else: the
 *     services answer 503 while there is no primary);
 *   - the longest stretch without an acknowledged write (from one 204 to the
 *     next), which spans the kill: how long writes were gone;
 *   - acknowledged writes missing afterwards (must be 0: only the synchronous
 *     standby may be promoted, so a commit acknowledged by the old primary is
 *     on the new one).
 * It prints "writing" on stderr once the first write is acknowledged.
 * Exits 1 when a write is lost, writes stayed away longer than the limit, or
 * none was acknowledged after the last refusal.
 * Usage: tsx infra/topology/db-failover.ts <api-url> <stop-file> [rate/s] [limit-ms]
 */
import { existsSync } from 'node:fs';

const [apiUrl, stopFile, rateArg = '10', limitArg = '15000'] = process.argv.slice(2);
if (!apiUrl || !stopFile) {
  process.stderr.write('usage: db-failover.ts <api-url> <stop-file> [rate/s] [limit-ms]\n');
  process.exit(2);
}
const rate = Number(rateArg);
const limitMs = Number(limitArg);
const AUTH = { Authorization: `Basic ${Buffer.from('simulator:super_safe!').toString('base64')}` };

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${apiUrl}${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json', Connection: 'close', ...AUTH, ...init.headers },
    signal: AbortSignal.timeout(5_000),
  });
}

const author = `failover${Date.now().toString(36)}`;
const registered = await api('/register', {
  method: 'POST',
  body: JSON.stringify({ username: author, email: `${author}@example.org`, pwd: 'failover-test' }),
});
if (registered.status !== 204) throw new Error(`register ${author}: ${registered.status}`);

interface Sent {
  text: string;
  status: number;
  doneAt: number;
}
const sent: Sent[] = [];
const started = Date.now();
let seq = 0;
while (!existsSync(stopFile)) {
  const due = started + (seq * 1000) / rate;
  if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
  const text = `f${++seq}`;
  let status = 0;
  try {
    status = (await api(`/msgs/${author}`, { method: 'POST', body: JSON.stringify({ content: text }) })).status;
  } catch {
    status = 0;
  }
  sent.push({ text, status, doneAt: Date.now() });
  if (status === 204 && sent.filter((s) => s.status === 204).length === 1) process.stderr.write('writing\n');
}

const acked = sent.filter((s) => s.status === 204);
let longestGapMs = 0;
for (let i = 1; i < acked.length; i++) longestGapMs = Math.max(longestGapMs, acked[i]!.doneAt - acked[i - 1]!.doneAt);
const lastRefused = sent.findLastIndex((s) => s.status !== 204);
const backAfterRefusals = lastRefused === -1 || sent.slice(lastRefused).some((s) => s.status === 204);
const statuses: Record<string, number> = {};
for (const s of sent.filter((x) => x.status !== 204)) statuses[s.status] = (statuses[s.status] ?? 0) + 1;

// The read goes through the same address: retried while the API still settles.
let stored: { content: string }[] | undefined;
const readUntil = Date.now() + 30_000;
while (!stored && Date.now() < readUntil) {
  const response = await api(`/msgs/${author}?no=10000`).catch(() => undefined);
  if (response?.status === 200) stored = (await response.json()) as { content: string }[];
  else await new Promise((resolve) => setTimeout(resolve, 500));
}
const have = new Set((stored ?? []).map((m) => m.content));
const lost = stored ? acked.filter((s) => !have.has(s.text)).map((s) => s.text) : acked.map((s) => s.text);

const report = {
  requests: sent.length,
  acknowledged: acked.length,
  refused: sent.length - acked.length,
  refusedStatuses: statuses,
  longestWithoutWriteMs: longestGapMs,
  limitMs,
  readBack: stored !== undefined,
  lost: lost.length,
  firstLost: lost.slice(0, 5),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(lost.length === 0 && stored && longestGapMs <= limitMs && backAfterRefusals ? 0 : 1);
