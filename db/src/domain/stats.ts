import type { Sql } from '../sql';

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

/** The business figures ops watch in Grafana; read at scrape time, not on the request path. */
export class StatsReader {
  constructor(private readonly sql: Sql) {}

  async counts(): Promise<BusinessCounts> {
    const [row] = await this.sql<Record<keyof BusinessCounts, string | null>>(
      `select (select count(*) from "users") as "users",
              (select count(*) from "messages" where not "flagged") as "messages",
              (select count(*) from "followers") as "follows",
              (select count(*) from "messages" where "flagged") as "flagged",
              (select "latest" from "simulator_state" where "id" = 1) as "latest"`,
    );
    return {
      users: Number(row?.users ?? 0),
      messages: Number(row?.messages ?? 0),
      follows: Number(row?.follows ?? 0),
      flagged: Number(row?.flagged ?? 0),
      latest: Number(row?.latest ?? 0),
    };
  }
}
