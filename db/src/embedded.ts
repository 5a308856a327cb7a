import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** Directory holding the server's Unix socket: `pg`'s `host`. */
  socketDir: string;
  port: number;
  stop(): Promise<void>;
}

/** The port only names the socket file (`.s.PGSQL.<port>`); nothing listens on TCP. */
const SOCKET_PORT = 5432;

/**
 * PostgreSQL compiled to WASM (PGlite), persisted under `dataDir`, served on a
 * private Unix socket so the ordinary `pg` driver, MikroORM and the migrations
 * work exactly as against a real server. PGlite is a single session: each
 * client pool gets one connection.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const socketDir = await mkdtemp(join(tmpdir(), 'minitwit-pg-'));
  // Two sessions: the ORM's and the domain pool's (pool.ts); the server queues their statements.
  const server = new PGLiteSocketServer({ db, path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`), maxConnections: 2 });
  await server.start();
  return {
    socketDir,
    port: SOCKET_PORT,
    async stop() {
      await server.stop();
      await db.close();
      await rm(socketDir, { recursive: true, force: true });
    },
  };
}
