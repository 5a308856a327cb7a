import type { MikroORM } from '@mikro-orm/postgresql';
import { FollowerSchema, MessageSchema, SimulatorStateSchema, UserSchema } from '../entities';

export interface BusinessCounts {
  users: number;
  /** Visible messages (flagged ones excluded). */
  messages: number;
  follows: number;
  /** Messages hidden by moderation. */
  flagged: number;
  /** The simulator's last `latest` value. */
  latest: number;
}

/**
 * The business figures ops watch in Grafana; read at scrape time, not on the
 * request path, so they go through the ORM's entities (four counts and the
 * simulator's row, in a fresh context).
 */
export class StatsReader {
  constructor(private readonly orm: MikroORM) {}

  async counts(): Promise<BusinessCounts> {
    const em = this.orm.em.fork();
    const users = await em.count(UserSchema);
    const messages = await em.count(MessageSchema, { flagged: false });
    const follows = await em.count(FollowerSchema);
    const flagged = await em.count(MessageSchema, { flagged: true });
    const state = await em.findOne(SimulatorStateSchema, { id: 1 });
    return { users, messages, follows, flagged, latest: state?.latest ?? 0 };
  }
}
