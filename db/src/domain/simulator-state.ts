import type { Sql } from '../sql';

/** The simulator's `latest` counter: stored, so it survives restarts and is shared by replicas. */
export class SimulatorStateStore {
  constructor(private readonly sql: Sql) {}

  async getLatest(): Promise<number> {
    const [row] = await this.sql<{ latest: string }>(`select "latest" from "simulator_state" where "id" = 1`);
    return row ? Number(row.latest) : 0;
  }

  async setLatest(latest: number): Promise<void> {
    await this.sql(`update "simulator_state" set "latest" = $1 where "id" = 1`, [latest]);
  }
}
