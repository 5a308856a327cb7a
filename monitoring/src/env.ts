import { z } from 'zod';

/** winston's levels; `http` adds one access line per request. */
export const logLevelSchema = z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info');

/**
 * Parses a service's environment against its schema, or throws one readable
 * message naming every bad variable — services print it and exit.
 */
export function parseEnv<Schema extends z.ZodType>(
  service: string,
  schema: Schema,
  env: Record<string, string | undefined>,
): z.infer<Schema> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid ${service} configuration:\n${problems.join('\n')}`);
  }
  return result.data;
}
