import type { MikroORM } from '@mikro-orm/postgresql';
import { FollowerSchema, MessageSchema, UserSchema } from '../entities';

export interface BusinessCounts {
  users: number;
  messages: number;
  follows: number;
}

/**
 * The business figures ops watch in Grafana; read at scrape time, not on the
 * request path, so they go through the ORM's entities (three counts in a fresh
 * context).
 */
export class StatsReader {
  constructor(private readonly orm: MikroORM) {}

  async counts(): Promise<BusinessCounts> {
    const em = this.orm.em.fork();
    const users = await em.count(UserSchema);
    const messages = await em.count(MessageSchema, { flagged: false });
    const follows = await em.count(FollowerSchema);
    return { users, messages, follows };
  }
}
