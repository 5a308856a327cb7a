import { SIMULATOR_AUTH, send } from '@minitwit/api/testing/http-client';

/**
 * Simulator writes with a record of each answer, Jepsen style: every write
 * that got a 204 must be readable afterwards, and a write that failed must
 * have failed cleanly (a status, never a hang past the client's deadline).
 */
export interface WriteRecord {
  text: string;
  username: string;
  /** HTTP status, or 0 when the connection failed (refused, reset) or the deadline passed. */
  status: number;
  sentAt: number;
  answeredAt: number;
  error?: string;
}

/** `POST /msgs/<username>` on a fresh connection, as the simulator sends it, with a deadline. */
export async function postMessage(
  apiUrl: string,
  username: string,
  text: string,
  deadlineMs = 10_000,
): Promise<WriteRecord> {
  const sentAt = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    const answer = await Promise.race([
      send(apiUrl, {
        method: 'POST',
        path: `/msgs/${encodeURIComponent(username)}`,
        headers: { Authorization: SIMULATOR_AUTH },
        body: { content: text },
      }),
      deadline,
    ]);
    return { text, username, status: answer.status, sentAt, answeredAt: Date.now() };
  } catch (error) {
    return { text, username, status: 0, sentAt, answeredAt: Date.now(), error: String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Open-loop load: request i is sent at start + i / perSecond whatever the
 * earlier ones are doing, so a slow or dead server does not slow the load down.
 */
export async function postAtRate(options: {
  apiUrl: string;
  count: number;
  perSecond: number;
  author(i: number): string;
  text(i: number): string;
  /** Called just before request i is sent (to trigger faults at a point of the load). */
  onTick?(i: number): void;
  deadlineMs?: number;
}): Promise<WriteRecord[]> {
  const start = Date.now();
  const pending: Promise<WriteRecord>[] = [];
  for (let i = 0; i < options.count; i += 1) {
    const due = start + (i * 1_000) / options.perSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    options.onTick?.(i);
    pending.push(postMessage(options.apiUrl, options.author(i), options.text(i), options.deadlineMs));
  }
  return Promise.all(pending);
}

/** `count` closed-loop writers: each sends its next request when the previous one is answered, until `until()`. */
export async function concurrentWriters(options: {
  count: number;
  until(): boolean;
  write(writer: number, n: number): Promise<WriteRecord>;
}): Promise<WriteRecord[]> {
  const records: WriteRecord[] = [];
  await Promise.all(
    Array.from({ length: options.count }, async (_, writer) => {
      for (let n = 0; !options.until(); n += 1) records.push(await options.write(writer, n));
    }),
  );
  return records;
}

/** How many of the texts are stored, by one query per 1,000. */
export async function storedTexts(
  sql: <Row>(query: string, params?: readonly unknown[]) => Promise<Row[]>,
  texts: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < texts.length; i += 1_000) {
    const rows = await sql<{ text: string }>('select "text" from "messages" where "text" = any($1)', [
      texts.slice(i, i + 1_000),
    ]);
    for (const row of rows) found.add(row.text);
  }
  return found;
}

/** "204×1990 503×10 0×2 (no answer within 10000 ms ×2)": what the writes got, for a test's report. */
export function statusSummary(records: readonly WriteRecord[]): string {
  const counts = new Map<string, number>();
  for (const record of records) {
    const key = record.status === 0 ? `failed (${(record.error ?? '').slice(0, 60)})` : String(record.status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${key}×${count}`).join(' ');
}
