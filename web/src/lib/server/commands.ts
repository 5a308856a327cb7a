import { type Commands, createCommands } from '@minitwit/db';
import { database } from './database';
import { publisher } from './publisher';

/** The writes that live timelines hear about (db/src/commands), over this process's database and publisher. */
export async function commands(): Promise<Commands> {
  return createCommands(await database(), publisher);
}
