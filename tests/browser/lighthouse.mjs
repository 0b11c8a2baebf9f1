// Lighthouse (mobile, its default) on pages of a built site served over HTTP from 127.0.0.1,
// with Debian's Chromium. usage: node lighthouse.mjs SITE_DIR PAGE… — PAGE may carry a query.
// Prints [{url, performance, accessibility, "best-practices", seo, failing: [...]}] as JSON:
// the four category scores (0–100) and, for each category under 100, the audits that cost it.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { CHROMIUM, serve } from './lib.mjs';

const [dir, ...pages] = process.argv.slice(2);
if (!dir || pages.length === 0) {
  console.error('usage: node lighthouse.mjs SITE_DIR PAGE…');
  process.exit(2);
}
const server = await serve(dir);
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const categories = ['performance', 'accessibility', 'best-practices', 'seo'];
const results = [];
try {
  for (const p of pages) {
    const url = server.base + p;
    try {
      const run = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: categories });
      const lhr = run.lhr;
      const r = { url: p };
      const failing = [];
      for (const c of categories) {
        const cat = lhr.categories[c];
        r[c] = Math.round(cat.score * 100);
        for (const ref of cat.auditRefs) {
          const a = lhr.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 1) failing.push(`${c}: ${a.id} (${a.displayValue || a.score})`);
        }
      }
      r.failing = failing;
      r.runtimeError = lhr.runtimeError ? lhr.runtimeError.message : null;
      results.push(r);
    } catch (e) {
      results.push({ url: p, error: String((e && e.stack) || e) });
    }
  }
} finally {
  await chrome.kill();
  server.close();
}
process.stdout.write(JSON.stringify(results, null, 1) + '\n');
