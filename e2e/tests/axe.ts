import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Page, expect } from '@playwright/test';

/**
 * axe-core run in the page (injected through the DevTools protocol, so the
 * app's CSP does not stop it), with the WCAG 2.2 target-size rule on (axe
 * ships it off). Returns the violations, each with where it was found.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    // The script above defined window.axe; its types are not this file's (it runs in the browser).
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: Document,
            options: object,
          ) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { rules: { 'target-size': { enabled: true } } });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
    }));
  });
}

/** Asserts axe finds nothing on the page as it is now; `state` names it in the failure. */
export async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  expect(await axeViolations(page), `axe on ${state} (${page.url()})`).toEqual([]);
}
