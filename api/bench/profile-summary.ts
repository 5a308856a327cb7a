/**
 * `tsx api/bench/profile-summary.ts <file.cpuprofile>`: where an API process
 * spent its CPU (a `--cpu-prof` profile from `bench:api --cpu-prof DIR`):
 * self time by package and by function, idle excluded, from the first HTTP
 * request on (start-up — module loading, source maps, migrations — is not
 * per-request cost).
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const profile = JSON.parse(await readFile(process.argv[2] ?? '', 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
function inRequest(id: number): boolean {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    if (byId.get(at)?.callFrame.functionName === 'parserOnHeadersComplete') return true;
  }
  return false;
}
const firstRequest = profile.samples.findIndex(inRequest);
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  if (i >= firstRequest) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

function packageOf(url: string): string {
  if (!url) return '(native/V8)';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1] as string;
  if (url.startsWith('node:')) return 'node core';
  if (url.includes('/dist/')) return `minitwit ${/\/([^/]+)\/dist\//.exec(url)?.[1] ?? ''}`;
  return url.replace(/^file:\/\/.*\/(?=[^/]+\/[^/]+$)/, '');
}

const packages = new Map<string, number>();
const functions = new Map<string, number>();
let busy = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  const name = node.callFrame.functionName || '(anonymous)';
  if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') {
    if (name !== '(idle)') functions.set(name, (functions.get(name) ?? 0) + us);
    if (name === '(idle)') continue;
  }
  busy += us;
  const pkg = packageOf(node.callFrame.url);
  packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  const key = `${name} ${pkg}:${node.callFrame.lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
}
const show = (title: string, map: Map<string, number>, count: number) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
};
console.log(`busy (not idle) ${(busy / 1000).toFixed(0)} ms`);
show('self time by package', packages, 25);
show('self time by function', functions, 40);
