import { dockerOn } from './daemons';
import { setConnected } from '../test-network/network';
import { hostPaths, network, REGISTRY, REGISTRY_FROM_BUILDER } from './layout';
import { listNodes } from './swarm';
import { createSwarmHosts, removeSwarmHosts } from './swarm-hosts';

/**
 * `npm run swarm:hosts -- up [hosts] [managers]` (root; Debian's docker.io
 * and docker-registry): a swarm of test hosts on this machine, left running;
 * prints how to reach it. `down` removes everything it made (also after a
 * crash); `status [i]` lists the nodes (as manager i sees them, default 1); `cut <i>` takes host i off the network (its
 * link on the bridge goes down: to the others it is a host that vanished,
 * while its own processes run on) and `connect <i>` brings it back.
 * docs/operations.md, "More than one host".
 */
const [command = 'status', hostsArg, managersArg] = process.argv.slice(2);

/** The nodes as manager `managerIndex` sees them (another manager where host 1 is the one cut off). */
async function status(managerIndex: number): Promise<void> {
  const nodes = await listNodes(network.host(managerIndex));
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
} else if ((command === 'cut' || command === 'connect') && Number(hostsArg) >= 1) {
  await setConnected(network.host(Number(hostsArg)), command === 'connect');
  process.stdout.write(`${network.host(Number(hostsArg)).name} ${command === 'cut' ? 'cut off' : 'connected'}\n`);
} else if (command === 'status') {
  await status(hostsArg ? Number(hostsArg) : 1);
} else {
  process.stderr.write(
    'usage: swarm:hosts -- up [hosts] [managers] | down | status [manager i] | cut <i> | connect <i>\n',
  );
  process.exit(2);
}
