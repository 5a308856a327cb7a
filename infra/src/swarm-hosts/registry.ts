import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { pollUntil } from '../pg-ha/poll';
import { network, REGISTRY_PORT, registryPaths } from './layout';
import { readPid, startDetached, stopPid } from './processes';

/**
 * The image registry of the swarm's hosts: Debian's `docker-registry`
 * (distribution 2.8), as a real deployment would run one. Two instances share
 * one storage directory, as registries behind a load balancer share their
 * storage: one listens on the test network's bridge address (where every
 * host pulls), the other on loopback (where the build machine's engine
 * pushes: Docker trusts a plain-HTTP registry on loopback without being told,
 * and the engine here is not ours to reconfigure). Nothing else listens.
 */
const listeners = [
  { address: `${network.bridgeAddress}:${REGISTRY_PORT}`, pidFile: registryPaths.pidFile },
  { address: `127.0.0.1:${REGISTRY_PORT}`, pidFile: registryPaths.forwarderPidFile },
];

export async function startRegistry(): Promise<void> {
  await mkdir(registryPaths.storage, { recursive: true });
  await mkdir(dirname(registryPaths.pidFile), { recursive: true });
  await writeFile(
    registryPaths.config,
    stringify({
      version: 0.1,
      log: { level: 'warn', fields: { service: 'registry' } },
      storage: { filesystem: { rootdirectory: registryPaths.storage }, delete: { enabled: true } },
      http: { addr: `127.0.0.1:${REGISTRY_PORT}`, headers: { 'X-Content-Type-Options': ['nosniff'] } },
    }),
  );
  for (const { address, pidFile } of listeners) {
    const pid = startDetached('docker-registry', ['serve', registryPaths.config], {
      log: registryPaths.log,
      env: { ...process.env, REGISTRY_HTTP_ADDR: address },
    });
    await writeFile(pidFile, `${pid}\n`);
    await pollUntil(`the registry on ${address}`, 15_000, async () => {
      const response = await fetch(`http://${address}/v2/`);
      return response.ok ? true : undefined;
    });
  }
}

export async function stopRegistry(): Promise<void> {
  for (const { pidFile } of listeners) await stopPid(await readPid(pidFile), 5_000, pidFile);
}
