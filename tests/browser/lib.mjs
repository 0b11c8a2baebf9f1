// Shared by the browser checks: start Debian's Chromium (never a downloaded one) through
// puppeteer-core, and print results as JSON on stdout for the Rust tests to assert on.
import puppeteer from 'puppeteer-core';

export const CHROMIUM = process.env.GONGKAI_CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--allow-file-access-from-files',
    ],
  });
}

/// Runs `check(page, url)` on every URL (one tab, reused) and prints the list of results.
export async function eachPage(urls, check, { width = 1280, height = 900 } = {}) {
  const browser = await launch();
  const results = [];
  try {
    const page = await browser.newPage();
    await page.setViewport({ width, height });
    for (const url of urls) {
      try {
        results.push({ url, ...(await check(page, url)) });
      } catch (e) {
        results.push({ url, error: String(e && e.stack || e) });
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results, null, 1) + '\n');
}

export function urlsFromArgs() {
  const urls = process.argv.slice(2);
  if (urls.length === 0) {
    console.error('usage: node <script> URL…');
    process.exit(2);
  }
  return urls;
}
