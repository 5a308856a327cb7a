import type { NextFunction, Request, Response } from 'express';
import { parseLatest } from './validation';

/**
 * Reads `?latest=` before anything else. The value travels in res.locals: a
 * successful write stores it in the same statement as the write; any refusal
 * stores it in the error handler — so every request that carries it records
 * it, even one that is then refused.
 */
export function readLatest(req: Request, res: Response, next: NextFunction): void {
  res.locals.latest = parseLatest(req.query.latest);
  next();
}

export function latestOf(res: Response): number | undefined {
  return res.locals.latest as number | undefined;
}
