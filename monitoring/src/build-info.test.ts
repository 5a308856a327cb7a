import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseBuildInfo, registerBuildInfo } from './build-info';
import { createServiceMetrics } from './metrics';

const rootVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe('build info', () => {
  it('takes the version and revision the image build set', () => {
    expect(parseBuildInfo({ MINITWIT_VERSION: '1.4.0', MINITWIT_REVISION: 'abc1234' })).toEqual({
      version: '1.4.0',
      revision: 'abc1234',
    });
  });

  it("outside an image build: package.json's version and revision dev", () => {
    expect(rootVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(parseBuildInfo({})).toEqual({ version: rootVersion, revision: 'dev' });
  });

  it('takes empty values (an image built without the arguments) as unset', () => {
    expect(parseBuildInfo({ MINITWIT_VERSION: '', MINITWIT_REVISION: '' })).toEqual({
      version: rootVersion,
      revision: 'dev',
    });
  });

  it('is exported as minitwit_build_info 1 with the service label', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'api' });
    registerBuildInfo(registry, { version: '2.0.0', revision: 'f00d' });
    expect(await registry.metrics()).toContain('minitwit_build_info{version="2.0.0",revision="f00d",service="api"} 1');
  });

  it('is in every service registry', async () => {
    const { registry } = createServiceMetrics('realtime');
    expect(await registry.metrics()).toMatch(
      /minitwit_build_info\{version="[^"]+",revision="[^"]+",service="realtime"\} 1/,
    );
  });
});
