import { type HttpCall, SIMULATOR_AUTH, send } from '../testing/http-client';
import type { Action, ActionKind } from './generate';

/** The simulator gives up after 0.3 s: a slower answer counts as a failure. */
export const SIMULATOR_TIMEOUT_MS = 300;

export interface ReplayResult {
  wallMs: number;
  latenciesMs: Record<ActionKind, number[]>;
  /** Answers other than 204. */
  errors: { action: Action; status: number; body: string }[];
  /** Answers slower than the simulator waits: failures for the simulator, counted apart so tests need no timing. */
  timeouts: number;
}

export function toRequest(action: Action): HttpCall {
  const headers = { Authorization: SIMULATOR_AUTH };
  const user = encodeURIComponent(action.username);
  switch (action.kind) {
    case 'register':
      return {
        method: 'POST',
        path: `/register?latest=${action.latest}`,
        headers,
        body: { username: action.username, email: action.email, pwd: action.pwd },
      };
    case 'post':
      return {
        method: 'POST',
        path: `/msgs/${user}?latest=${action.latest}`,
        headers,
        body: { content: action.content },
      };
    case 'follow':
      return {
        method: 'POST',
        path: `/fllws/${user}?latest=${action.latest}`,
        headers,
        body: { follow: action.other },
      };
    case 'unfollow':
      return {
        method: 'POST',
        path: `/fllws/${user}?latest=${action.latest}`,
        headers,
        body: { unfollow: action.other },
      };
  }
}

/** Sends the actions one at a time, each on a new `Connection: close` connection, like the simulator. */
export async function replay(baseUrl: string, actions: readonly Action[]): Promise<ReplayResult> {
  const latenciesMs: ReplayResult['latenciesMs'] = { register: [], post: [], follow: [], unfollow: [] };
  const errors: ReplayResult['errors'] = [];
  let timeouts = 0;
  const started = performance.now();
  for (const action of actions) {
    const sent = performance.now();
    const answer = await send(baseUrl, toRequest(action));
    const ms = performance.now() - sent;
    latenciesMs[action.kind].push(ms);
    if (answer.status !== 204) errors.push({ action, status: answer.status, body: answer.text });
    if (ms > SIMULATOR_TIMEOUT_MS) timeouts++;
  }
  return { wallMs: performance.now() - started, latenciesMs, errors, timeouts };
}

/**
 * Sends each action to every target in turn, the first target rotating per
 * action, and sums each target's latencies as its `wallMs`. On a shared
 * machine whose load drifts over minutes, this compares the targets under the
 * same load, request by request, where replaying them one after another would
 * compare different minutes.
 */
export async function replayInterleaved(
  baseUrls: readonly string[],
  actions: readonly Action[],
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = baseUrls.map(() => ({
    wallMs: 0,
    latenciesMs: { register: [], post: [], follow: [], unfollow: [] },
    errors: [],
    timeouts: 0,
  }));
  for (const [n, action] of actions.entries()) {
    const call = toRequest(action);
    for (let k = 0; k < baseUrls.length; k++) {
      const target = (n + k) % baseUrls.length;
      const result = results[target] as ReplayResult;
      const sent = performance.now();
      const answer = await send(baseUrls[target] as string, call);
      const ms = performance.now() - sent;
      result.wallMs += ms;
      result.latenciesMs[action.kind].push(ms);
      if (answer.status !== 204) result.errors.push({ action, status: answer.status, body: answer.text });
      if (ms > SIMULATOR_TIMEOUT_MS) result.timeouts++;
    }
  }
  return results;
}
