import type { Database } from './database';

/**
 * One Database per process. When everything runs in one process (`npm start`),
 * the launcher opens the database and provides it here, so the web app (whose
 * server code may be loaded as a separate module graph by Vite/SvelteKit)
 * finds the same instance; the registry lives on globalThis for that reason.
 */
const KEY = Symbol.for('minitwit.database');

type Registry = { [KEY]?: Promise<Database> };

export function provideDatabase(database: Database | Promise<Database>): void {
  (globalThis as Registry)[KEY] = Promise.resolve(database);
}

/** The provided database, or the one `open` creates on first use (a service started on its own). */
export function sharedDatabase(open: () => Promise<Database>): Promise<Database> {
  const registry = globalThis as Registry;
  registry[KEY] ??= open();
  return registry[KEY];
}
