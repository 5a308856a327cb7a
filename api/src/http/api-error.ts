import { isDomainError } from '@minitwit/db';
import type { ErrorBody } from './responses';

/** An HTTP-level refusal raised by the API's own checks (auth, query and body validation). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const NOT_AUTHORIZED = 'You are not authorized to use this resource!';

const DOMAIN_STATUS = { invalid: 400, not_found: 404, unauthenticated: 403 } as const;

/** Body-parser and router errors carry a 4xx `status` (and `expose`) from http-errors. */
function isClientHttpError(error: unknown): error is { status: number; message: string; expose?: boolean } {
  if (typeof error !== 'object' || error === null) return false;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

const CLIENT_ERROR_TEXT: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON',
  'entity.too.large': 'The request body is too large',
  'encoding.unsupported': 'The request body encoding is not supported',
  'charset.unsupported': 'The request body charset is not supported',
};

/** Maps any error to the contract's status and body; null means "ours, a 500". */
export function toErrorBody(error: unknown): ErrorBody | null {
  if (error instanceof ApiError) return { status: error.status, error_msg: error.message };
  if (isDomainError(error)) return { status: DOMAIN_STATUS[error.kind], error_msg: error.message };
  // Express reports a path segment that is not valid percent-encoding as a URIError with status 400.
  if (error instanceof URIError) return { status: 400, error_msg: 'The path is not valid URL encoding' };
  if (isClientHttpError(error)) {
    const type = (error as { type?: string }).type;
    const text = (type && CLIENT_ERROR_TEXT[type]) ?? (error.expose ? error.message : 'Bad request');
    return { status: error.status, error_msg: text };
  }
  return null;
}
