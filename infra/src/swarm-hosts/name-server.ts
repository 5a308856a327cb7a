import { createSocket, type Socket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { NAME_SERVER, nameServerPaths } from './layout';
import { readPid, startDetached, stopPid } from './processes';

/**
 * The test network's name server. Docker's embedded DNS answers the names of
 * a swarm's services and passes every other name to the host's own servers.
 * Real hosts have one that answers at once; this machine's (from
 * /etc/resolv.conf) is out of the test hosts' reach, so a name Docker no
 * longer knows (a service whose only task went with its host) took 20 s to
 * fail: four lookups of glibc's 5 s timeout. Patroni looks up the lost node
 * and etcd member by name during a failover, so its promotion took 19-40 s
 * instead of the leader key's 7 s. This server answers every question with
 * "no such name", as a real resolver answers names nobody has; each daemon
 * uses it (`dockerd --dns`).
 */

/** DNS header flags: a response (QR), recursion available (RA), RCODE 3 = NXDOMAIN. */
const QR = 0x8000;
const RA = 0x0080;
const NXDOMAIN = 3;
/** The query's opcode and RD bit are echoed back, as RFC 1035 asks. */
const ECHOED = 0x7900;

/** The NXDOMAIN answer to one query: its id, flags and question kept; no records. Undefined for a runt. */
export function nxdomainFor(query: Buffer): Buffer | undefined {
  if (query.length < 12 || query.readUInt16BE(2) & QR) return undefined;
  const reply = Buffer.from(query);
  reply.writeUInt16BE(QR | (query.readUInt16BE(2) & ECHOED) | RA | NXDOMAIN, 2);
  // Question count kept (bytes 4-5); no answer, authority or additional records.
  reply.fill(0, 6, 12);
  return reply;
}

/** Serves on `address`:`port` until closed (run detached by startNameServer, on port 53). */
export function serveNameServer(address: string, port = 53): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.on('message', (query, from) => {
    const reply = nxdomainFor(query);
    if (reply) socket.send(reply, from.port, from.address);
  });
  return new Promise((resolve) => socket.bind(port, address, () => resolve(socket)));
}

/** Whether a name server at `address`:`port` answers "no such name" within a second. */
export async function answersNxdomain(address: string, port = 53): Promise<boolean> {
  const resolver = new Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([`${address}:${port}`]);
  return resolver.resolve4('probe.invalid').then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === 'ENOTFOUND',
  );
}

/**
 * Starts the name server detached and waits until it answers. From the checkout: `--import tsx`
 * resolves from the working directory, and from '/' (the daemons' one) the server died at once,
 * unnoticed, and a failover across hosts took 20 s again (multi-host run of 2026-12-06).
 */
export async function startNameServer(): Promise<void> {
  const pid = startDetached(process.execPath, [...process.execArgv, import.meta.filename, NAME_SERVER], {
    log: nameServerPaths.log,
    cwd: resolve(import.meta.dirname, '../../..'),
  });
  await writeFile(nameServerPaths.pidFile, `${pid}\n`);
  for (let tries = 0; tries < 20; tries += 1) {
    if (await answersNxdomain(NAME_SERVER)) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  const log = await readFile(nameServerPaths.log, 'utf8').catch(() => '');
  throw new Error(`the test network's name server does not answer on ${NAME_SERVER}:53:\n${log.slice(-2_000)}`);
}

export async function stopNameServer(): Promise<void> {
  await stopPid(await readPid(nameServerPaths.pidFile), 5_000, nameServerPaths.pidFile);
}

if (process.argv[1] === import.meta.filename && process.argv[2]) await serveNameServer(process.argv[2]);
