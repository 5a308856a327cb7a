/**
 * Times as a reader wants them: how long ago, in words ("3 minutes ago"),
 * and the exact moment in the reader's own time zone. The page renders the
 * reference's UTC text on the server (lib/format-date.ts); the browser swaps
 * in these after hydration, since only it knows the reader's zone and clock.
 * English, as every other word on the page is.
 */
const LOCALE = 'en';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** From the largest unit down; the first that fits at least once names the distance. */
const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * DAY],
  ['month', 30 * DAY],
  ['week', 7 * DAY],
  ['day', DAY],
  ['hour', HOUR],
  ['minute', MINUTE],
];

const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto', style: 'long' });

/**
 * "just now", "3 minutes ago", "yesterday", "2 weeks ago". Whole units,
 * rounded down as people count ("3 minutes ago" until the fourth is over). A
 * time slightly ahead of this browser's clock (a skewed clock) reads as now.
 */
export function relativeTime(thenMs: number, nowMs: number): string {
  const elapsed = nowMs - thenMs;
  if (elapsed < MINUTE) return 'just now';
  for (const [unit, size] of UNITS) {
    if (elapsed >= size) return relative.format(-Math.floor(elapsed / size), unit);
  }
  return 'just now';
}

/**
 * How often a relative time should be redrawn: every minute while it counts
 * minutes (and "just now"), every hour after that; nothing is ever more than
 * a minute stale.
 */
export const RELATIVE_TICK_MS = 30 * SECOND;

/** The exact moment in the reader's zone (or `timeZone`), with the zone named: "Dec 5, 2026, 6:12 PM PST". */
export function exactLocalTime(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(LOCALE, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone,
  }).format(ms);
}
