import { createSocket, type Socket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
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

export async function startNameServer(): Promise<void> {
  const pid = startDetached(process.execPath, [...process.execArgv, import.meta.filename, NAME_SERVER], {
    log: nameServerPaths.log,
  });
  await writeFile(nameServerPaths.pidFile, `${pid}\n`);
}

export async function stopNameServer(): Promise<void> {
  await stopPid(await readPid(nameServerPaths.pidFile), 5_000, nameServerPaths.pidFile);
}

if (process.argv[1] === import.meta.filename && process.argv[2]) await serveNameServer(process.argv[2]);
