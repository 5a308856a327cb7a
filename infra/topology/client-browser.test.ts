import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { quarterOfDeployment } from './client-browser.js';

/** A cgroup hierarchy's root as directories: each group with its weight file, and a container in it or not. */
function hierarchy(groups: Record<string, { weight: number; container: boolean }>): string {
  const root = mkdtempSync(join(tmpdir(), 'cgroup-root-'));
  for (const [name, { weight, container }] of Object.entries(groups)) {
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, 'cpu.shares'), `${weight}\n`);
    if (container) mkdirSync(join(root, name, 'c0ffee'));
  }
  roots.push(root);
  return root;
}
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('the browsers weight: a quarter of the deployment they share the cores with', () => {
  it('one Docker group running containers: a quarter of it', () => {
    const root = hierarchy({ docker: { weight: 1024, container: true } });
    expect(quarterOfDeployment(root, 'cpu.shares', 1024, 2)).toBe('256');
  });

  it('four test hosts running containers: a quarter of all four, not of one', () => {
    const root = hierarchy({
      docker: { weight: 1024, container: false },
      'minitwit-swarm-node-1': { weight: 1024, container: true },
      'minitwit-swarm-node-2': { weight: 1024, container: true },
      'minitwit-swarm-node-3': { weight: 1024, container: true },
      'minitwit-swarm-node-4': { weight: 1024, container: true },
      'minitwit-test-browsers': { weight: 256, container: true },
      'system.slice': { weight: 1024, container: true },
    });
    expect(quarterOfDeployment(root, 'cpu.shares', 1024, 2)).toBe('1024');
  });

  it('no deployment group holds a container: a quarter of one group', () => {
    const root = hierarchy({ docker: { weight: 1024, container: false } });
    expect(quarterOfDeployment(root, 'cpu.shares', 1024, 2)).toBe('256');
  });

  it('never below the least weight the controller takes', () => {
    const root = hierarchy({ docker: { weight: 2, container: true } });
    expect(quarterOfDeployment(root, 'cpu.shares', 1024, 2)).toBe('2');
  });
});
