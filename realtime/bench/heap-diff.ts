import { getHeapSnapshot } from 'node:v8';
import { createTestDatabase } from '@minitwit/db/testing';
import { createLogger, createServiceMetrics } from '@minitwit/monitoring';
import type { AddressInfo } from 'node:net';
import { createRealtimeServer } from '../src/server/create-server';
import { Fleet } from './clients';
import { seed, watchesFor } from './world';

/** Dev tool: which constructors grow with idle sockets (heap snapshot diff, one in-process server). */
async function snapshot(): Promise<Map<string, { count: number; size: number }>> {
  for (let i = 0; i < 4; i += 1) (globalThis as { gc?: () => void }).gc?.();
  const chunks: Buffer[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk as Buffer);
  const data = JSON.parse(Buffer.concat(chunks).toString()) as {
    snapshot: {
      meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
    };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const fields = data.snapshot.meta.node_fields;
  const [typeIdx, nameIdx, sizeIdx] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const types = data.snapshot.meta.node_types[0];
  const label = (n: number) => {
    const type = types[data.nodes[n + typeIdx]!]!;
    return type === 'object' || type === 'closure' ? `${type}:${data.strings[data.nodes[n + nameIdx]!]}` : type;
  };
  // With BY_PARENT=1, each node is keyed by its first retainer (owner name + edge name) as well.
  const owner = new Map<number, string>();
  if (process.env.BY_PARENT === '1') {
    const edgeFields = data.snapshot.meta.edge_fields.length;
    const edgeCountIdx = fields.indexOf('edge_count');
    const edgeTypes = data.snapshot.meta.edge_types[0];
    let e = 0;
    for (let n = 0; n < data.nodes.length; n += fields.length) {
      for (let k = 0; k < data.nodes[n + edgeCountIdx]!; k += 1, e += edgeFields) {
        const edgeType = edgeTypes[data.edges[e]!]!;
        if (edgeType === 'weak') continue;
        const to = data.edges[e + 2]!;
        if (owner.has(to)) continue;
        const nameOrIndex = data.edges[e + 1]!;
        const edgeName =
          edgeType === 'element' || edgeType === 'hidden' ? `[${nameOrIndex}]` : data.strings[nameOrIndex];
        owner.set(to, `${label(n)}.${edgeName}`);
      }
    }
  }
  const totals = new Map<string, { count: number; size: number }>();
  for (let n = 0; n < data.nodes.length; n += fields.length) {
    const name = `${label(n)}${owner.size ? ` <- ${owner.get(n) ?? '?'}` : ''}`;
    const entry = totals.get(name) ?? { count: 0, size: 0 };
    entry.count += 1;
    entry.size += data.nodes[n + sizeIdx]!;
    totals.set(name, entry);
  }
  return totals;
}

const database = await createTestDatabase('postgres');
const world = await seed(database.db);
const server = await createRealtimeServer({
  db: database.db,
  logger: createLogger({ service: 'heap', level: 'warn' }),
  metrics: createServiceMetrics('realtime'),
});
await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
const { specs } = watchesFor(world, [url]);
// A first third warms up what is paid once (compiled code, pools, maps), so the diff is per socket.
const fleet = Fleet.start(2);
const warm = Math.floor(specs.length / 3);
await fleet.add(specs.slice(0, warm), 0);
const before = await snapshot();
await fleet.add(specs.slice(warm), 0);
const after = await snapshot();
const sockets = specs.length - warm;
const rows = [...after]
  .map(([name, { count, size }]) => ({
    name,
    count: (count - (before.get(name)?.count ?? 0)) / sockets,
    bytes: (size - (before.get(name)?.size ?? 0)) / sockets,
  }))
  .sort((a, b) => b.bytes - a.bytes);
const total = rows.reduce((sum, row) => sum + row.bytes, 0);
console.log(`${sockets} sockets, ${(total / 1024).toFixed(2)} KB/socket (snapshot self sizes)`);
for (const row of rows.slice(0, Number(process.env.ROWS ?? 40)))
  console.log(`${row.bytes.toFixed(0).padStart(6)} B  ${row.count.toFixed(2).padStart(6)}×  ${row.name}`);
await fleet.close();
await server.close();
await database.dispose();
process.exit(0);
