import { readFileSync } from 'node:fs';
import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import { parseEnv } from './env';

/** Which build a process runs: shown on every service's `/healthz` and as `minitwit_build_info`. */
export interface BuildInfo {
  /** The release (`1.4.0`), or package.json's version in a build that was not released. */
  version: string;
  /** The git commit the image was built from; `dev` outside an image build. */
  revision: string;
}

/**
 * The version of the root package.json. This file sits two levels below the
 * root both as source (monitoring/src) and compiled (monitoring/dist), and no
 * bundle ever copies it elsewhere (the web build keeps workspace packages external).
 */
function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const parsed = z.object({ version: z.string().min(1) }).safeParse(manifest);
  return parsed.success ? parsed.data.version : '0.0.0';
}

const buildEnvSchema = z.object({
  MINITWIT_VERSION: z.string().min(1).optional(),
  MINITWIT_REVISION: z.string().min(1).default('dev'),
});

/**
 * Parses the two variables the image build bakes in (infra/docker/Dockerfile's
 * build arguments become ENV). They live here, not in each service's config
 * module, because every service reads the same two and no operator sets them.
 */
export function parseBuildInfo(env: Record<string, string | undefined>): BuildInfo {
  // An image built without the build arguments has both set to '' (Dockerfile ENV): that means unset.
  const parsed = parseEnv('build', buildEnvSchema, {
    MINITWIT_VERSION: env.MINITWIT_VERSION || undefined,
    MINITWIT_REVISION: env.MINITWIT_REVISION || undefined,
  });
  return { version: parsed.MINITWIT_VERSION ?? packageVersion(), revision: parsed.MINITWIT_REVISION };
}

let current: BuildInfo | undefined;

/** This process's build, read once. */
export function buildInfo(): BuildInfo {
  current ??= parseBuildInfo(process.env);
  return current;
}

/**
 * `minitwit_build_info{version,revision} 1` (plus the registry's `service`
 * label): the usual Prometheus idiom for "which build runs where", so a
 * dashboard can show every version running during a rolling deploy.
 */
export function registerBuildInfo(registry: Registry, info: BuildInfo = buildInfo()): void {
  const gauge = new Gauge({
    name: 'minitwit_build_info',
    help: 'The running build: always 1, labelled with its version and git revision',
    labelNames: ['version', 'revision'] as const,
    registers: [registry],
  });
  gauge.set({ version: info.version, revision: info.revision }, 1);
}
