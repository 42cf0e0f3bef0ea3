/**
 * axe-core's WCAG 2.1 A and AA rules on a page in Chromium. axe is injected as a script, which the
 * pages' strict policy forbids: run it in a context made with `bypassCSP: true`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE_SOURCE = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

/** Serious and critical violations on the page at `url`, after `prepare` (e.g. opening a dialog). */
export async function seriousViolations(
  context: BrowserContext,
  url: string,
  prepare?: (page: Page) => Promise<void>,
): Promise<string[]> {
  const page = await context.newPage();
  await page.goto(url);
  if (prepare) await prepare(page);
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (options: object) => Promise<{ violations: unknown; passes: unknown[] }> };
      }
    ).axe;
    const outcome = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return { violations: outcome.violations as AxeViolation[], passes: outcome.passes.length };
  });
  // axe ran its rules on the page (a page it could not read would pass nothing).
  expect(result.passes).toBeGreaterThan(5);
  await page.close();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
