import { createServer } from 'node:http';
import pg from 'pg';

/**
 * The benchmark's floor: bare `node:http` + `pg`, one durable statement per
 * simulator write (with `latest` in the same statement), no framework, no
 * validation, no password hashing. Not MiniTwit — a measure of what this
 * machine's PostgreSQL commit costs, so the API's ratio can be read against
 * it. Usage: tsx floor-server.ts <port> <database-url>
 */
const port = Number(process.argv[2]);
const pool = new pg.Pool({ connectionString: process.argv[3], max: 1 });
await pool.query(`create table if not exists floor_users (id serial primary key, username text unique, email text)`);
await pool.query(
  `create table if not exists floor_messages (id serial primary key, author_id int, text text, pub_date timestamptz default now())`,
);
await pool.query(`create table if not exists floor_follows (who int, whom int, primary key (who, whom))`);
await pool.query(`create table if not exists floor_latest (id int primary key, latest bigint)`);
await pool.query(`insert into floor_latest values (1, 0) on conflict do nothing`);

const LATEST = `"l" as (update floor_latest set latest = $1 where id = 1)`;
const STATEMENTS = {
  register: `with ${LATEST} insert into floor_users (username, email) values ($2, $3) on conflict do nothing`,
  post: `with ${LATEST}, a as (select id from floor_users where username = $2)
         insert into floor_messages (author_id, text) select id, $3 from a`,
  follow: `with ${LATEST}, a as (select id from floor_users where username = $2), b as (select id from floor_users where username = $3)
           insert into floor_follows select a.id, b.id from a, b on conflict do nothing`,
  unfollow: `with ${LATEST}, a as (select id from floor_users where username = $2), b as (select id from floor_users where username = $3)
             delete from floor_follows using a, b where who = a.id and whom = b.id`,
};

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'POST') return void res.writeHead(200).end('{"latest":0}');
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, string>;
    const latest = Number(url.searchParams.get('latest') ?? 0);
    const user = decodeURIComponent(url.pathname.split('/')[2] ?? '');
    const [query, params] = url.pathname.startsWith('/register')
      ? [STATEMENTS.register, [latest, body.username, body.email]]
      : url.pathname.startsWith('/msgs/')
        ? [STATEMENTS.post, [latest, user, body.content]]
        : body.follow !== undefined
          ? [STATEMENTS.follow, [latest, user, body.follow]]
          : [STATEMENTS.unfollow, [latest, user, body.unfollow]];
    pool.query(query, params).then(
      () => res.writeHead(204).end(),
      () => res.writeHead(500).end(),
    );
  });
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
