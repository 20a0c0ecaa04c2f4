import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core (pinned devDependency), evaluated into the page by the driver: the page's CSP is not in the way. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The serious and critical accessibility violations axe finds on the page as it stands, as "path: rule (impact): targets". */
export async function axeViolations(page: Page): Promise<string[]> {
  // The page as loaded: a "loading" line still fading in is measured at part of its opacity.
  await page.waitForFunction(() => !/Đang tải…|Loading…/.test(document.body.innerText), null, { timeout: 10_000 }).catch(() => undefined);
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact?: string; nodes: { target: unknown[]; html: string }[] }[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.nodes
            .slice(0, 3)
            .map((n) => `${n.target.join(' ')} ${n.html.slice(0, 100)}`)
            .join(' | ')}`,
      );
  });
  const url = new URL(page.url());
  return found.map((f) => `${url.pathname}${url.search}: ${f}`);
}
