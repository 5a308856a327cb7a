/** A one-line progress bar on stderr for long loads: `users [#####.....] 52% 52,000/100,000 3.1 s`. */
export function progress(label: string, total: number): { update(done: number): void; finish(): void } {
  const started = performance.now();
  const tty = process.stderr.isTTY;
  let lastPrinted = -1;
  const line = (done: number) => {
    const share = total === 0 ? 1 : done / total;
    const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    return `${label.padEnd(9)} [${bar}] ${String(Math.floor(share * 100)).padStart(3)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${seconds} s`;
  };
  return {
    update(done) {
      // Without a terminal (CI logs), one line per tenth rather than a redraw per batch.
      const tenth = Math.floor((done / Math.max(total, 1)) * 10);
      if (tty) process.stderr.write(`\r${line(done)}`);
      else if (tenth !== lastPrinted) process.stderr.write(`${line(done)}\n`);
      lastPrinted = tenth;
    },
    finish() {
      if (tty) process.stderr.write(`\r${line(total)}\n`);
      else process.stderr.write(`${line(total)}\n`);
    },
  };
}
