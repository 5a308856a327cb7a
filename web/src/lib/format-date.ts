const pad = (value: number) => String(value).padStart(2, '0');

/** The reference MiniTwit's date format, `YYYY-MM-DD @ HH:MM`, always in UTC so every reader sees the same. */
export function formatPubDate(ms: number): string {
  const date = new Date(ms);
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    ` @ ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`
  );
}
