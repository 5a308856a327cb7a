import { createServer } from 'node:http';

/**
 * The benchmark's baseline: a do-nothing `node:http` server answering the
 * simulator's routes (204 for writes, tiny JSON for reads) after reading the
 * body, with no validation, database or framework. PORT from argv.
 */
const port = Number(process.argv[2] ?? 0);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST') {
      res.writeHead(204).end();
    } else {
      const body = req.url?.startsWith('/latest') ? '{"latest":0}' : '[]';
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    }
  });
});
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
