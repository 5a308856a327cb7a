import { parseArgs } from 'node:util';

/**
 * The bench's flags. Defaults are the run (3,000 clients over 3
 * servers, 50 msg/s for 60 s) with the watcher mix in realtime/README.md.
 */
const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '3000' },
    rate: { type: 'string', default: '50' },
    duration: { type: 'string', default: '60' },
    servers: { type: 'string', default: '3' },
    authors: { type: 'string', default: '1000' },
    viewers: { type: 'string', default: '1000' },
    follows: { type: 'string', default: '20' },
    mix: { type: 'string', default: '5:35:60' },
    'client-procs': { type: 'string', default: '2' },
    ramp: { type: 'boolean', default: false },
    'ramp-duration': { type: 'string', default: '10' },
    'skip-baseline': { type: 'boolean', default: false },
    'skip-cluster': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

export const usage = `npm run bench:fanout -- [--clients 3000] [--rate 50] [--duration 60] [--servers 3]
  [--authors 1000] [--viewers 1000] [--follows 20] [--mix public:user:home=5:35:60]
  [--client-procs 2] [--ramp] [--ramp-duration 10] [--skip-baseline] [--skip-cluster]
Needs DATABASE_URL (PostgreSQL; a fresh database is created on it) and REDIS_URL.`;

const num = (name: keyof typeof flags) => {
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};

const mix = flags.mix.split(':').map(Number);
if (mix.length !== 3 || mix.some((part) => !Number.isFinite(part) || part < 0)) {
  throw new Error('--mix must be public:user:home, e.g. 5:35:60');
}

export const options = {
  help: flags.help,
  clients: num('clients'),
  rate: num('rate'),
  duration: num('duration'),
  servers: num('servers'),
  authors: num('authors'),
  viewers: num('viewers'),
  follows: num('follows'),
  mix: mix as [number, number, number],
  mixText: flags.mix,
  clientProcs: num('client-procs'),
  ramp: flags.ramp,
  rampDuration: num('ramp-duration'),
  skipBaseline: flags['skip-baseline'],
  skipCluster: flags['skip-cluster'],
};
