/**
 * A simulator scenario replayed through a deployment's proxy, one request at
 * a time like the simulator; exits 1 on any answer other than 204, and
 * reports how many were slower than the simulator waits. Usage: tsx infra/topology/replay.ts <api-url> [actions]
 */
import { generateScenario } from '../../api/src/scenario/generate';
import { replay } from '../../api/src/scenario/replay';

const [apiUrl, count = '1000'] = process.argv.slice(2);
if (!apiUrl) {
  process.stderr.write('usage: replay.ts <api-url> [actions]\n');
  process.exit(2);
}
// Names of this run's own: the deployment's database may already hold other tests' users.
const prefix = `r${Date.now().toString(36)} `;
const actions = generateScenario({ actions: Number(count) }).actions.map((action) =>
  'other' in action
    ? { ...action, username: prefix + action.username, other: prefix + action.other }
    : { ...action, username: prefix + action.username },
);
const result = await replay(apiUrl, actions);
const all = Object.values(result.latenciesMs)
  .flat()
  .sort((a, b) => a - b);
const p99 = all[Math.floor(all.length * 0.99)] ?? 0;
process.stdout.write(
  `${JSON.stringify({ actions: actions.length, errors: result.errors.length, timeouts: result.timeouts, p99Ms: Math.round(p99), wallMs: Math.round(result.wallMs) })}\n`,
);
for (const error of result.errors.slice(0, 5)) process.stderr.write(`${JSON.stringify(error)}\n`);
// Slower than 0.3 s is reported (timeouts), not failed: on a shared two-core CI machine running
// every replica, the browser and this client, the tail says more about the host than the system.
process.exit(result.errors.length === 0 ? 0 : 1);
