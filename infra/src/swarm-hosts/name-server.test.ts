import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { answersNxdomain, nxdomainFor, serveNameServer } from './name-server';

describe("the test network's name server", () => {
  const started = serveNameServer('127.0.0.1', 0);
  afterAll(async () => (await started).close());

  it('tells a real resolver that the name does not exist', async () => {
    const { port } = (await started).address() as AddressInfo;
    const resolver = new Resolver({ timeout: 1_000, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    // A server out of reach (this machine's, from the test hosts) gives ETIMEOUT instead.
    await expect(resolver.resolve4('pg-2')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve6('etcd-2.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('is found answering by the check its start waits on, and a silent address is not', async () => {
    const { port } = (await started).address() as AddressInfo;
    expect(await answersNxdomain('127.0.0.1', port)).toBe(true);
    const silent = createSocket('udp4');
    await new Promise<void>((bound) => silent.bind(0, '127.0.0.1', bound));
    try {
      expect(await answersNxdomain('127.0.0.1', (silent.address() as AddressInfo).port)).toBe(false);
    } finally {
      silent.close();
    }
  });

  it('keeps the id and question, echoes opcode and RD, and ignores answers and runts', () => {
    // id 0x1234, RD set, one question: "a." type A class IN
    const query = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 0, 0, 1, 0, 1]);
    const reply = nxdomainFor(query)!;
    expect(reply.readUInt16BE(0)).toBe(0x1234);
    expect(reply.readUInt16BE(2)).toBe(0x8000 | 0x0100 | 0x0080 | 3);
    expect(reply.readUInt16BE(4)).toBe(1);
    expect(reply.subarray(6, 12).every((byte) => byte === 0)).toBe(true);
    expect(reply.subarray(12)).toEqual(query.subarray(12));
    expect(nxdomainFor(reply)).toBeUndefined();
    expect(nxdomainFor(Buffer.alloc(5))).toBeUndefined();
  });
});
