import { pollUntil } from './poll';

/**
 * Patroni's REST API as the tests and tools read it: the cluster's members
 * and roles (GET /cluster, answered by any member from the consensus store)
 * and a planned switchover (POST /switchover, which needs the REST API's
 * credentials).
 */
export interface PatroniMember {
  name: string;
  role: 'leader' | 'sync_standby' | 'replica' | 'standby_leader';
  state: string;
  host?: string;
  timeline?: number;
  lag?: number | 'unknown';
}

/** A standby that runs and replicates (Patroni 3.0 says `running`; later versions `streaming`). */
export const isReplicating =
  (role: PatroniMember['role']) =>
  (member: PatroniMember): boolean =>
    member.role === role && (member.state === 'running' || member.state === 'streaming');

export class PatroniClient {
  constructor(
    private readonly urls: string[],
    private readonly auth: { username: string; password: string },
  ) {}

  /** The members as the first node that answers within 1 s sees them. */
  async members(): Promise<PatroniMember[]> {
    let last: unknown;
    for (const url of this.urls) {
      try {
        const response = await fetch(`${url}/cluster`, { signal: AbortSignal.timeout(1_000) });
        if (!response.ok) throw new Error(`${url}/cluster answered ${response.status}`);
        return ((await response.json()) as { members: PatroniMember[] }).members;
      } catch (error) {
        last = error;
      }
    }
    throw new Error(`no Patroni node answered: ${String(last)}`);
  }

  async leader(): Promise<PatroniMember | undefined> {
    return (await this.members()).find((m) => m.role === 'leader' && m.state === 'running');
  }

  async syncStandby(): Promise<PatroniMember | undefined> {
    return (await this.members()).find(isReplicating('sync_standby'));
  }

  /** Waits until there is a running leader and a replicating synchronous standby; returns both. */
  async waitForSyncStandby(timeoutMs: number): Promise<{ leader: PatroniMember; standby: PatroniMember }> {
    return this.waitUntil('a leader and a replicating synchronous standby', timeoutMs, async () => {
      const members = await this.members();
      const leader = members.find((m) => m.role === 'leader' && m.state === 'running');
      const standby = members.find(isReplicating('sync_standby'));
      return leader && standby ? { leader, standby } : undefined;
    });
  }

  /** Polls `probe` until it returns a value; on a timeout the error lists the members. */
  waitUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
    return pollUntil(what, timeoutMs, probe, {
      context: async () => `members: ${JSON.stringify(await this.members().catch((error: unknown) => String(error)))}`,
    });
  }

  /** A planned switchover from `leader` to `candidate`, now. */
  async switchover(leader: string, candidate: string): Promise<void> {
    const authorization = `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
    let last = '';
    for (const url of this.urls) {
      try {
        const response = await fetch(`${url}/switchover`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ leader, candidate }),
          signal: AbortSignal.timeout(30_000),
        });
        if (response.ok) return;
        last = `${response.status} ${await response.text()}`;
      } catch (error) {
        last = String(error);
      }
    }
    throw new Error(`switchover refused: ${last}`);
  }
}
