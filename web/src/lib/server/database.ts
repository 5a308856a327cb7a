import { type Database, databaseOptionsFrom, openDatabase, sharedDatabase } from '@minitwit/db';
import { config } from './config';

/** Set only when this app opened the database itself, i.e. it owns closing it. */
let ownDatabase: Promise<Database> | undefined;

/**
 * The process's Database: the launcher's when it provided one (everything in
 * one process), otherwise opened on first use from this app's configuration.
 */
export function database(): Promise<Database> {
  return sharedDatabase(() => (ownDatabase = openDatabase(databaseOptionsFrom(config))));
}

/** Closes the database if this app opened it; a launcher's database is the launcher's to close. */
export async function closeOwnDatabase(): Promise<void> {
  const db = ownDatabase;
  ownDatabase = undefined;
  if (db) await (await db).close();
}
