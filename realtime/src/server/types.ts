import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../contract';

/** Who a socket belongs to, settled at the handshake. */
export interface SocketData {
  user: { id: number; username: string } | null;
  /** The web session the socket was opened with: its id (see session-end.ts) and when it ends (epoch ms). */
  session: { id: string; expiresAt: number } | null;
}

// Server-side events: web sessions ended (session-end.ts: one id, or several), and the
// publishers' presence (publisher-presence.ts: the publisher's id).
interface InterServerEvents {
  'session:ended': (sessionIds: string | string[]) => void;
  'publisher:alive': (publisherId: string) => void;
  'publisher:gone': (publisherId: string) => void;
}

export type RealtimeIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
