import { describe, expect, it } from 'vitest';
import { databaseEnvSchema, databaseOptionsFrom } from './config';

describe('DATABASE_MIGRATIONS', () => {
  const parse = (env: Record<string, string>) => databaseEnvSchema.safeParse(env);

  it('defaults to run (migrate on start), unset or empty', () => {
    expect(databaseOptionsFrom(databaseEnvSchema.parse({})).migrations).toBe('run');
    expect(databaseOptionsFrom(databaseEnvSchema.parse({ DATABASE_MIGRATIONS: '' })).migrations).toBe('run');
  });

  it('passes wait through to the database options', () => {
    const env = databaseEnvSchema.parse({
      DATABASE_URL: 'postgres://minitwit_app@db/minitwit',
      DATABASE_MIGRATIONS: 'wait',
    });
    expect(databaseOptionsFrom(env)).toMatchObject({ url: 'postgres://minitwit_app@db/minitwit', migrations: 'wait' });
  });

  it('refuses any other value, naming the variable', () => {
    const result = parse({ DATABASE_MIGRATIONS: 'skip' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['DATABASE_MIGRATIONS']);
  });
});
