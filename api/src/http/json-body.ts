import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { ApiError } from './api-error';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/**
 * Reads a JSON body whatever its Content-Type (the simulator's contract is
 * JSON), in place of `express.json`: the same answers — 413 past the limit,
 * 400 for text that is not a JSON object or array, 415 for a compressed body
 * or a charset other than UTF-8, `{}` for an empty body — with none of
 * body-parser's per-request layers (type checks, stream decoders, debug),
 * which showed in the API's CPU profile (api/bench/RESULTS.md).
 */
export function jsonBody(limitBytes: number): RequestHandler {
  return (req, _res, next) => {
    readJson(req, limitBytes).then((body) => {
      req.body = body;
      next();
    }, next);
  };
}

function readJson(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return drainThen(req, new ApiError(415, 'The request body encoding is not supported'));
  }
  const charset = CHARSET.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return drainThen(req, new ApiError(415, 'The request body charset is not supported'));
  }
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) return drainThen(req, tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) refused = true;
      else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (refused) return reject(tooLarge());
      const text = Buffer.concat(chunks, size).toString('utf8');
      if (text.trim() === '') return resolve({});
      // Like express.json's strict mode: only an object or an array is a body.
      const first = text.trimStart()[0];
      if (first !== '{' && first !== '[') return reject(notJson());
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(notJson());
      }
    });
  });
}

const tooLarge = () => new ApiError(413, 'The request body is too large');
const notJson = () => new ApiError(400, 'The request body is not valid JSON');

/** Reads the refused body to its end before answering, so the client is not cut off mid-send. */
function drainThen(req: IncomingMessage, error: ApiError): Promise<never> {
  return new Promise((_resolve, reject) => {
    req.on('error', () => reject(error));
    req.on('end', () => reject(error));
    req.resume();
  });
}
