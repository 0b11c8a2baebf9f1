// axe-core in real Chromium: every URL given, WCAG 2.1 A and AA rules.
// Prints [{url, violations: [{id, impact, help, nodes: [{target, html}]}]}].
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { eachPage, urlsFromArgs } from './lib.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

await eachPage(urlsFromArgs(), async (page, url) => {
  await page.goto(url, { waitUntil: 'load' });
  // The search page fills its results from script: give it a moment.
  await new Promise((r) => setTimeout(r, 300));
  await page.evaluate(axeSource);
  const r = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }),
  );
  return {
    violations: r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, html: n.html.slice(0, 200), summary: n.failureSummary })),
      count: v.nodes.length,
    })),
  };
});
