import type { Sql } from '../sql';

export interface BusinessCounts {
  users: number;
  messages: number;
  follows: number;
}

/** The business figures ops watch in Grafana; read at scrape time, not on the request path. */
export class StatsReader {
  constructor(private readonly sql: Sql) {}

  async counts(): Promise<BusinessCounts> {
    const [row] = await this.sql<{ users: string; messages: string; follows: string }>(
      `select (select count(*) from "users") as "users",
              (select count(*) from "messages" where not "flagged") as "messages",
              (select count(*) from "followers") as "follows"`,
    );
    return { users: Number(row?.users ?? 0), messages: Number(row?.messages ?? 0), follows: Number(row?.follows ?? 0) };
  }
}
