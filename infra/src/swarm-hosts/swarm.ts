import { pollUntil } from '../pg-ha/poll';
import type { TestHost } from '../test-network/network';
import { dockerOn } from './daemons';
import { ADDRESS_POOL } from './layout';

export interface SwarmNode {
  host: string;
  hostname: string;
  role: 'manager' | 'worker';
  leader: boolean;
  ready: boolean;
  labels: Record<string, string>;
}

/**
 * Node labels that the stack's placement reads (docker-stack.yml): where the
 * database tier's members run. PostgreSQL's two nodes on two different
 * hosts, one etcd member on each manager, the backup host on a third host
 * (its repository is not on either database node's disk). redis-a may run on
 * the hosts without PostgreSQL and redis-b on those with it, so the two never
 * share a host and a lost host leaves one of them; Swarm moves redis-a to
 * another of its hosts.
 */
export function labelsFor(index: number, managers: number): Record<string, string> {
  const labels: Record<string, string> = { 'minitwit.host': `node-${index}` };
  if (index === 1) labels['minitwit.pg-1'] = 'true';
  if (index === 2) labels['minitwit.pg-2'] = 'true';
  if (index === 3) labels['minitwit.pgbackrest'] = 'true';
  if (index <= Math.min(managers, 3)) labels[`minitwit.etcd-${index}`] = 'true';
  labels[index <= 2 ? 'minitwit.redis-b' : 'minitwit.redis-a'] = 'true';
  return labels;
}

/**
 * One swarm over the hosts: the first `managers` are managers (three make a
 * raft quorum that survives losing one), the rest workers. A join that fails
 * (the daemon can be left in a swarm error state by a join that timed out) is
 * retried after `swarm leave --force`.
 */
export async function formSwarm(hosts: TestHost[], managers: number): Promise<void> {
  const [first, ...rest] = hosts;
  if (!first) throw new Error('no hosts');
  await dockerOn(first, [
    'swarm',
    'init',
    `--advertise-addr=${first.address}`,
    `--listen-addr=${first.address}:2377`,
    `--default-addr-pool=${ADDRESS_POOL}`,
  ]);
  const token = {
    manager: await dockerOn(first, ['swarm', 'join-token', '-q', 'manager']),
    worker: await dockerOn(first, ['swarm', 'join-token', '-q', 'worker']),
  };
  for (const [i, host] of rest.entries()) {
    const role = i + 2 <= managers ? 'manager' : 'worker';
    const join = [
      'swarm',
      'join',
      `--token=${token[role]}`,
      `--advertise-addr=${host.address}`,
      `--listen-addr=${host.address}:2377`,
      `${first.address}:2377`,
    ];
    try {
      await dockerOn(host, join, 60_000);
    } catch {
      await dockerOn(host, ['swarm', 'leave', '--force']).catch(() => undefined);
      await dockerOn(host, join, 60_000);
    }
  }
  const nodes = await pollUntil('every node ready', 60_000, async () => {
    const list = await listNodes(first);
    return list.length === hosts.length && list.every((n) => n.ready) ? list : undefined;
  });
  for (const [i, host] of hosts.entries()) {
    const node = nodes.find((n) => n.hostname === `mtsw-${host.name}`);
    if (!node) throw new Error(`${host.name} is not in the swarm`);
    const adds = Object.entries(labelsFor(i + 1, managers)).flatMap(([k, v]) => ['--label-add', `${k}=${v}`]);
    await dockerOn(first, ['node', 'update', ...adds, node.hostname]);
  }
}

/** The swarm's nodes as a manager sees them. */
export async function listNodes(manager: TestHost): Promise<SwarmNode[]> {
  const ids = (await dockerOn(manager, ['node', 'ls', '-q'])).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const inspected = JSON.parse(await dockerOn(manager, ['node', 'inspect', ...ids])) as {
    Description: { Hostname: string };
    Spec: { Role: 'manager' | 'worker'; Labels: Record<string, string> | null };
    Status: { State: string };
    ManagerStatus?: { Leader?: boolean };
  }[];
  return inspected.map((n) => ({
    host: n.Description.Hostname.replace(/^mtsw-/, ''),
    hostname: n.Description.Hostname,
    role: n.Spec.Role,
    leader: n.ManagerStatus?.Leader === true,
    ready: n.Status.State === 'ready',
    labels: n.Spec.Labels ?? {},
  }));
}
