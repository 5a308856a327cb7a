import { connect } from 'node:net';

/**
 * Test support for hostile HTTP: one request written byte for byte on a fresh
 * TCP connection, so a test can send what no well-behaved client library
 * would (any method, unescaped paths, duplicate or broken headers, odd
 * bodies). Every answer is read to the end of the connection.
 */
export interface RawRequest {
  method: string;
  /** Sent exactly as given (no escaping). */
  target: string;
  headers?: Array<[string, string]>;
  body?: string | Buffer;
}

export interface RawAnswer {
  /** null when the server closed the connection without a status line. */
  status: number | null;
  head: string;
  body: string;
  /** The server neither answered nor closed in time. */
  timedOut: boolean;
}

/** Serialises a request with `Connection: close` and a correct Content-Length (unless the caller gave one). */
export function serialise(request: RawRequest): Buffer {
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const headers = [...(request.headers ?? [])];
  const has = (name: string) => headers.some(([key]) => key.toLowerCase() === name);
  if (!has('host')) headers.unshift(['Host', '127.0.0.1']);
  if (!has('connection')) headers.push(['Connection', 'close']);
  if (!has('content-length') && !has('transfer-encoding') && body.length > 0) {
    headers.push(['Content-Length', String(body.length)]);
  }
  const head = `${request.method} ${request.target} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * Writes the bytes to 127.0.0.1:port and collects the answer until the server
 * closes (or a 101 arrives). `halfClose` ends the sending side after the bytes,
 * for garbage that may never complete a request.
 */
export function rawExchange(
  port: number,
  bytes: Buffer | string,
  timeoutMs = 5_000,
  halfClose = false,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({
        status: match ? Number(match[1]) : null,
        head,
        body:
          split < 0
            ? ''
            : /^transfer-encoding: *chunked/im.test(head)
              ? dechunk(text.slice(split + 4))
              : text.slice(split + 4),
        timedOut,
      });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // A switched protocol stays open for good; its status line is all there is to see.
      if (/^HTTP\/1\.1 101 /.test(Buffer.concat(chunks).toString('latin1', 0, 13))) finish(false);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    if (halfClose) socket.end(bytes);
    else socket.write(bytes);
  });
}

/** The payload of a chunked body (chunk extensions and trailers ignored; enough for test assertions). */
function dechunk(raw: string): string {
  let body = '';
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) return body;
    const size = parseInt(raw.slice(at, lineEnd), 16);
    if (!(size > 0)) return body;
    body += raw.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/** Looks like a leaked stack trace or internal error text. */
export const STACK_TRACE = /\n\s+at .+[(:]\d+|node:internal|ERR_[A-Z_]{4,}|\bTypeError\b|\bReferenceError\b/;

/**
 * Percent-encodes any string for a URL, lone surrogates included (as the
 * three bytes a careless encoder would send, which are not valid UTF-8),
 * where encodeURIComponent would throw.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out +=
        `%${(0xe0 | (unit >> 12)).toString(16)}%${(0x80 | ((unit >> 6) & 0x3f)).toString(16)}%${(0x80 | (unit & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(text[i] as string);
    }
  }
  return out;
}
