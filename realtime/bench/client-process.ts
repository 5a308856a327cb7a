import { type Socket, io as connect } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeReply } from '../src/contract';
import { now } from './clock';
import { Samples } from './stats';
import type { WatchSpec } from './world';

/**
 * A share of the bench's socket.io clients, in a process of its own (forked by
 * clients.ts) so decoding deliveries is spread over cores and never delays the
 * poster's clock readings. Each `message:created` is recorded as (watch index,
 * seq, time) in flat arrays; matching happens in the parent after a phase.
 */
export type ClientCommand =
  | { type: 'connect'; specs: WatchSpec[]; afterId: number; concurrency: number }
  | { type: 'count' }
  | { type: 'take' }
  | { type: 'close' };

export type ClientReply =
  | { type: 'connected'; failures: string[] }
  | { type: 'count'; deliveries: number }
  | {
      type: 'deliveries';
      watch: Float64Array;
      seq: Float64Array;
      at: Float64Array;
      disconnects: { index: number; reason: string; at: number }[];
    };

type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const sockets: BenchSocket[] = [];
let watchOf = new Samples();
let seqOf = new Samples();
let timeOf = new Samples();
let disconnects: { index: number; reason: string; at: number }[] = [];
const send = (reply: ClientReply) => process.send?.(reply);

/** Bench texts are `bench <seq>`: the API's 204 carries no id, so the text names the message. */
const SEQ_AT = 'bench '.length;

async function open(spec: WatchSpec, afterId: number): Promise<void> {
  const socket: BenchSocket = connect(spec.url, {
    transports: ['websocket'],
    forceNew: true,
    // A drop must show up as a disconnect and as missing deliveries, not be papered over by a reconnect.
    reconnection: false,
    extraHeaders: spec.sessionToken ? { cookie: `session=${spec.sessionToken}` } : {},
  });
  sockets.push(socket);
  socket.on('message:created', (message) => {
    watchOf.push(spec.index);
    seqOf.push(Number(message.text.slice(SEQ_AT)));
    timeOf.push(now());
  });
  socket.on('disconnect', (reason) => disconnects.push({ index: spec.index, reason, at: now() }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const reply = (await socket
    .timeout(60_000)
    .emitWithAck('timeline:subscribe', { scope: spec.scope, afterId })) as SubscribeReply;
  if (!reply.ok) throw new Error(`subscription refused: ${reply.error}`);
}

process.on('message', (command: ClientCommand) => {
  if (command.type === 'connect') {
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < command.specs.length) {
        const spec = command.specs[next++]!;
        await open(spec, command.afterId).catch((error: unknown) => failures.push(String(error)));
      }
    };
    void Promise.all(Array.from({ length: command.concurrency }, worker)).then(() =>
      send({ type: 'connected', failures }),
    );
  } else if (command.type === 'count') {
    send({ type: 'count', deliveries: seqOf.values().length });
  } else if (command.type === 'take') {
    send({ type: 'deliveries', watch: watchOf.values(), seq: seqOf.values(), at: timeOf.values(), disconnects });
    [watchOf, seqOf, timeOf, disconnects] = [new Samples(), new Samples(), new Samples(), []];
  } else if (command.type === 'close') {
    for (const socket of sockets) {
      socket.removeAllListeners('disconnect');
      socket.disconnect();
    }
    process.exit(0);
  }
});
// The parent may die without saying close; the clients must not outlive it.
process.on('disconnect', () => process.exit(0));
