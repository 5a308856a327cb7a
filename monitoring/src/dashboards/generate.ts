import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dashboards, renderDashboard } from './index';

/**
 * `npm run dashboards -w monitoring`: writes every dashboard's JSON from its
 * typed source. `--check` writes nothing and fails when a committed file
 * differs from its source (CI runs the same comparison as a test).
 */
const directory = new URL('../../grafana/dashboards/', import.meta.url).pathname;
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, build] of Object.entries(dashboards)) {
  const path = join(directory, file);
  const fresh = await renderDashboard(build);
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === fresh) continue;
  if (check) {
    stale += 1;
    console.error(`${file} differs from its source: run npm run dashboards -w monitoring`);
  } else {
    await writeFile(path, fresh);
    process.stdout.write(`wrote ${file}\n`);
  }
}
for (const file of await readdir(directory)) {
  if (file.endsWith('.json') && !(file in dashboards)) {
    if (check) {
      stale += 1;
      console.error(`${file} has no source in monitoring/src/dashboards`);
    } else {
      await rm(join(directory, file));
      process.stdout.write(`removed ${file}\n`);
    }
  }
}
process.exit(stale > 0 ? 1 : 0);
