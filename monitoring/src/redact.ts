/**
 * What must never reach a log line: passwords, session tokens, cookies and
 * credentials. Logs are shipped to a log store many people can search, so a
 * secret written once is a secret leaked. Redaction is by key (any depth) and,
 * for free text, by the shapes secrets take inside strings (a Basic/Bearer
 * credential, a `session=` cookie, a `password=` query parameter).
 */

export const REDACTED = '[REDACTED]';

/** Keys whose value is a secret whatever it looks like (compared lower-cased, `-`/`_` ignored). */
const SECRET_KEYS = new Set([
  'password',
  'password2',
  'pwd',
  'pass',
  'passwd',
  'secret',
  'token',
  'sessiontoken',
  'session',
  'sessionid',
  'sid',
  'cookie',
  'cookies',
  'setcookie',
  'authorization',
  'proxyauthorization',
  'credentials',
  'simulatorcredentials',
]);

/**
 * Secrets inside free text. Each keeps its label and hides the value:
 * `Authorization: Basic abc` → `Authorization: Basic [REDACTED]`.
 */
const SECRET_PATTERNS: [RegExp, string][] = [
  // A credential is long; "Basic Instinct" in someone's text is not one.
  [/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{12,}/gi, `$1 ${REDACTED}`],
  [/\b(session|sessionid|sid|password|password2|pwd|token)=([^;&\s"']+)/gi, `$1=${REDACTED}`],
  // A connection URL's password: postgres://user:secret@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+):[^@\s/]+@/gi, `$1:${REDACTED}@`],
  [/("(?:password|password2|pwd|token|session|cookie|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
];

const MAX_DEPTH = 8;

function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase().replace(/[-_]/g, ''));
}

export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/**
 * A redacted copy of any value (the input is never modified: it may be a live
 * request's headers). Errors become plain `{ name, message, stack }` objects,
 * which JSON can carry (an Error serialises as `{}`).
 */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) {
      const plain: Record<string, unknown> = { name: value.name, message: value.message, stack: value.stack };
      for (const [key, inner] of Object.entries(value)) plain[key] = inner;
      return redactObject(plain, depth, seen);
    }
    if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
    if (value instanceof Date) return value;
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
      return redact(JSON.parse(JSON.stringify(value)), depth + 1, seen);
    return redactObject(value as Record<string, unknown>, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function redactObject(value: Record<string, unknown>, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    copy[key] = isSecretKey(key) && inner !== undefined && inner !== null ? REDACTED : redact(inner, depth + 1, seen);
  }
  return copy;
}

/**
 * Redacts a winston log record in place: winston built the record for this
 * line, so its top level may be rewritten, but every nested value is copied.
 * Symbol keys (winston's level and message bookkeeping) are left alone.
 */
export function redactRecord<T extends Record<string, unknown>>(record: T): T {
  const target = record as Record<string, unknown>;
  for (const key of Object.keys(target)) {
    const value = target[key];
    if (key === 'level' || key === 'timestamp' || value === undefined || value === null) continue;
    target[key] = isSecretKey(key) ? REDACTED : redact(value, 1);
  }
  return record;
}
