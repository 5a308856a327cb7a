import { dockerOn } from './daemons';
import { hostPaths, network, REGISTRY, REGISTRY_FROM_BUILDER } from './layout';
import { listNodes } from './swarm';
import { createSwarmHosts, removeSwarmHosts } from './swarm-hosts';

/**
 * `npm run swarm:hosts -- up [hosts] [managers]` (root; Debian's docker.io
 * and docker-registry): a swarm of test hosts on this machine, left running;
 * prints how to reach it. `down` removes everything it made (also after a
 * crash); `status` lists the nodes. docs/operations.md, "More than one host".
 */
const [command = 'status', hostsArg, managersArg] = process.argv.slice(2);

async function status(): Promise<void> {
  const nodes = await listNodes(network.host(1));
  for (const n of nodes) {
    process.stdout.write(
      `${n.hostname}\t${n.role}${n.leader ? ' (leader)' : ''}\t${n.ready ? 'ready' : 'down'}\t${Object.entries(n.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}\n`,
    );
  }
}

if (command === 'up') {
  const hosts = await createSwarmHosts({
    hosts: hostsArg ? Number(hostsArg) : undefined,
    managers: managersArg ? Number(managersArg) : undefined,
  });
  const manager = hosts[0]!;
  process.stdout.write(
    [
      `swarm of ${hosts.length} hosts is up (npm run swarm:hosts -- down removes it):`,
      ...hosts.map((h) => `  ${h.name} ${h.address}  DOCKER_HOST=unix://${hostPaths(h.name).socket}`),
      `  registry: the hosts pull from ${REGISTRY}, this machine's engine pushes to ${REGISTRY_FROM_BUILDER}`,
      `  manager engine: ${await dockerOn(manager, ['version', '-f', '{{.Server.Version}}'])}`,
      '',
    ].join('\n'),
  );
} else if (command === 'down') {
  await removeSwarmHosts();
  process.stdout.write('swarm hosts removed\n');
} else if (command === 'status') {
  await status();
} else {
  process.stderr.write('usage: swarm:hosts -- up [hosts] [managers] | down | status\n');
  process.exit(2);
}
