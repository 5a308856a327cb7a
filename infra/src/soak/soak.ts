/**
 * `npm run soak [-- <seconds>]` (default 600; SOAK_SECONDS works too): the
 * distributed topology — api, web (built), two realtime servers behind a
 * balancer — on a private PostgreSQL and Redis, under mixed load (simulator
 * posts and follows, page views, web posts, live pages joining and leaving).
 * Samples every service's heap, RSS and open fds from its /metrics, and
 * reports whether anything grows: heap floor and RSS slopes (MB/min) after a
 * warm-up, fds before and after, and the socket gauges once every page has
 * left. Exits 1 when a limit is passed. Issue 11, fault 5.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { openDatabase } from '@minitwit/db';
import { startOwnPostgres } from '@minitwit/db/own-postgres';
import { startOwnRedis } from '@minitwit/testing';
import { startBalancer } from '../faults/support/balancer';
import { waitUntil } from '../faults/support/live-pages';
import { type ServiceProcess, repoRoot, startService, webEnv } from '../faults/support/service-process';
import { buildWorld } from '../faults/support/world';
import { runLoad } from './load';
import { type Sample, heapFloorSlope, scrape, slopePerMinute } from './samples';

/** Limits of "flat", per service; a real leak of a request's worth of memory per request passes them within minutes. */
const LIMITS = { heapMbPerMin: 2, rssMbPerMin: 5, fdGrowth: 10 };
const SAMPLE_EVERY_MS = 2_000;
/** Samples per heap-floor window (20 s). */
const FLOOR_WINDOW = 10;
/**
 * Below this a run is too short to tell a leak from warm-up (JIT, pools,
 * caches fill in the first minutes): slopes are printed but not judged. CI's
 * 60 s run judges failures, fds and socket gauges; the default 10 min run judges it all.
 */
const SLOPES_JUDGED_FROM_S = 300;

const seconds = Number(process.argv[2] ?? process.env.SOAK_SECONDS ?? 600);
if (!Number.isFinite(seconds) || seconds < 30) {
  console.error('usage: npm run soak -- <seconds ≥ 30>');
  process.exit(2);
}
if (!existsSync(`${repoRoot}web/build/handler.js`)) {
  console.error('The web app is not built: run `npm run build` first.');
  process.exit(2);
}

const log = (text: string) => console.log(`[soak] ${text}`);
const pg = await startOwnPostgres();
const redis = await startOwnRedis();
const services: Array<{ name: string; process: ServiceProcess }> = [];
let exitCode = 1;
try {
  const env = {
    DATABASE_URL: pg.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: redis.url,
    REDIS_CHANNEL: `soak-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'warn',
  };
  // The API migrates the fresh database first; the others find nothing to do.
  services.push({ name: 'api', process: await startService('api', { ...env, LOG_LEVEL: 'info' }) });
  const [web, rt1, rt2] = await Promise.all([
    startService('web', { ...env, ...(await webEnv()) }),
    startService('realtime', { ...env, LOG_LEVEL: 'info' }),
    startService('realtime', { ...env, LOG_LEVEL: 'info' }),
  ]);
  services.push(
    { name: 'web', process: web },
    { name: 'realtime-1', process: rt1 },
    { name: 'realtime-2', process: rt2 },
  );
  const balancer = await startBalancer([rt1.url, rt2.url]);
  const db = await openDatabase({ url: pg.url, dataDir: '', poolSize: 2 });
  const world = await buildWorld(db, { authors: 20, viewers: 10, followsEach: 3 });
  // The simulator's users must exist for the API too (same database): they do, registered above.
  log(`running ${seconds} s: api, web, 2 realtime servers on a private PostgreSQL and Redis`);

  const samples = new Map<string, Sample[]>(services.map(({ name }) => [name, []]));
  const started = Date.now();
  const sampler = setInterval(() => {
    const t = (Date.now() - started) / 1000;
    for (const { name, process } of services) {
      void scrape(process.internalUrl, t).then(
        (sample) => samples.get(name)!.push(sample),
        () => {},
      );
    }
  }, SAMPLE_EVERY_MS);
  const deadline = started + seconds * 1000;
  const { counts, pages } = await runLoad(
    { apiUrl: services[0]!.process.url, webUrl: web.url, liveUrl: balancer.url, world },
    () => Date.now() < deadline,
  );
  clearInterval(sampler);

  // Every page leaves: the socket gauges must come back to 0.
  pages.forEach((page) => page.stop());
  counts.socketsClosed += pages.length;
  const realtimes = services.filter(({ name }) => name.startsWith('realtime'));
  const gaugesAtZero = await waitUntil(async () => {
    const now = await Promise.all(realtimes.map(({ process }) => scrape(process.internalUrl, 0)));
    return now.every((sample) => sample.sockets === 0);
  }, 15_000);
  // Let closes settle before the last fd count.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const final = new Map(
    await Promise.all(services.map(async ({ name, process }) => [name, await scrape(process.internalUrl, 0)] as const)),
  );
  await db.close();
  await balancer.close();

  log(
    `load: ${counts.apiPosts} simulator posts, ${counts.apiFollows} follows/unfollows, ${counts.pageViews} page views, ` +
      `${counts.webPosts} web posts, ${counts.socketsOpened} live pages opened / ${counts.socketsClosed} closed`,
  );
  const failures = [...counts.failures].map(([what, count]) => `${what} ×${count}`);
  log(`failed requests: ${failures.length ? failures.join(', ') : 'none'}`);

  const warmUp = Math.max(20, seconds / 3);
  let ok = failures.length === 0 && gaugesAtZero;
  console.log(
    '\nservice      heap MB (after warm-up → end)  heap floor MB/min  RSS MB (→ end)  RSS MB/min  fds (→ end)  sockets at end',
  );
  for (const { name } of services) {
    const all = samples.get(name)!;
    const steady = all.filter((sample) => sample.t >= warmUp);
    const first = steady[0];
    const last = final.get(name)!;
    const heapSlope = heapFloorSlope(steady, FLOOR_WINDOW);
    const rssSlope = slopePerMinute(steady.map((sample) => ({ x: sample.t, y: sample.rssMb })));
    const fdGrowth = first ? last.fds - first.fds : Number.NaN;
    const slopesFlat = !(heapSlope > LIMITS.heapMbPerMin) && !(rssSlope > LIMITS.rssMbPerMin);
    const pass =
      !!first &&
      (seconds < SLOPES_JUDGED_FROM_S || slopesFlat) &&
      !(fdGrowth > LIMITS.fdGrowth) &&
      (last.sockets === undefined || last.sockets === 0);
    ok &&= pass;
    console.log(
      [
        name.padEnd(12),
        `${first?.heapMb.toFixed(1)} → ${last.heapMb.toFixed(1)}`.padEnd(30),
        heapSlope.toFixed(2).padStart(17),
        `${first?.rssMb.toFixed(1)} → ${last.rssMb.toFixed(1)}`.padStart(16),
        rssSlope.toFixed(2).padStart(11),
        `${first?.fds} → ${last.fds}`.padStart(12),
        String(last.sockets ?? '—').padStart(15),
        pass ? '' : '  ✗',
      ].join(' '),
    );
  }
  console.log(
    `\nlimits: heap floor ≤ ${LIMITS.heapMbPerMin} MB/min, RSS ≤ ${LIMITS.rssMbPerMin} MB/min, ` +
      `fd growth ≤ ${LIMITS.fdGrowth}, sockets back to 0, no failed request; slopes after a ${warmUp.toFixed(0)} s warm-up, ` +
      `sampled every ${SAMPLE_EVERY_MS / 1000} s` +
      (seconds < SLOPES_JUDGED_FROM_S
        ? `\nheap and RSS slopes NOT judged: a ${seconds} s run is too short to tell a leak from warm-up (from ${SLOPES_JUDGED_FROM_S} s on they are)`
        : ''),
  );
  log(ok ? 'PASS: flat' : 'FAIL: see ✗ above');
  exitCode = ok ? 0 : 1;
} catch (error) {
  console.error('[soak] failed:', error);
} finally {
  await Promise.all(services.map(({ process }) => process.stop()));
  await redis.stop();
  await pg.dispose();
}
process.exit(exitCode);
