import { type Socket, io as connect } from 'socket.io-client';
import type { ClientToServerEvents, LiveScope, ServerToClientEvents, SubscribeReply } from '../src/contract';
import { Samples } from './stats';

export interface Watch {
  url: string;
  scope: LiveScope;
  sessionToken?: string;
  /** Whether a message by this author belongs on the watched timeline. */
  wants(authorId: number): boolean;
}

type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const now = () => performance.timeOrigin + performance.now();

/**
 * K real socket.io clients, recording every `message:created` they get as
 * (socket, id, time) in flat arrays: counting happens after a phase, so the
 * receive path stays as cheap as a browser's.
 */
export class Fleet {
  private sockets: BenchSocket[] = [];
  private socketOf = new Samples();
  private idOf = new Samples();
  private timeOf = new Samples();
  disconnects = 0;

  constructor(readonly watches: Watch[]) {}

  async connect(afterId: number, concurrency = 100): Promise<void> {
    let next = 0;
    const one = async (): Promise<void> => {
      while (next < this.watches.length) {
        const index = next++;
        const watch = this.watches[index]!;
        const socket: BenchSocket = connect(watch.url, {
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          extraHeaders: watch.sessionToken ? { cookie: `session=${watch.sessionToken}` } : {},
        });
        socket.on('message:created', (message) => {
          this.socketOf.push(index);
          this.idOf.push(message.id);
          this.timeOf.push(now());
        });
        socket.on('disconnect', () => {
          this.disconnects += 1;
        });
        this.sockets[index] = socket;
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        const reply = (await socket
          .timeout(30_000)
          .emitWithAck('timeline:subscribe', { scope: watch.scope, afterId })) as SubscribeReply;
        if (!reply.ok) throw new Error(`subscription refused: ${reply.error}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, one));
  }

  /** Deliveries since the last reset: how many, for the quiet check after a phase. */
  deliveries(): number {
    return this.idOf.values().length;
  }

  takeDeliveries() {
    const result = { socket: this.socketOf.values(), id: this.idOf.values(), at: this.timeOf.values() };
    this.socketOf = new Samples();
    this.idOf = new Samples();
    this.timeOf = new Samples();
    return result;
  }

  close(): void {
    for (const socket of this.sockets) {
      socket.removeAllListeners('disconnect');
      socket.disconnect();
    }
  }
}
