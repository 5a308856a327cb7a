import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../contract';

/** Who a socket belongs to, settled at the handshake. */
export interface SocketData {
  user: { id: number; username: string } | null;
  /** The web session the socket was opened with: its id (see session-end.ts) and when it ends (epoch ms). */
  session: { id: string; expiresAt: number } | null;
}

// Servers tell each other only that web sessions ended (session-end.ts): one id, or several.
interface InterServerEvents {
  'session:ended': (sessionIds: string | string[]) => void;
}

export type RealtimeIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
