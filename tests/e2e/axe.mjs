// Runs axe-core (pinned in package.json) in a page and returns its violations.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './chromium.mjs';

const source = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** The axe-core violations of the page, as "id: target…" lines. */
export async function axeViolations(page) {
  // evaluate() runs outside the page's CSP, which forbids inline scripts in extension pages.
  await page.evaluate(source);
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
