// Shared by the browser checks: start Debian's Chromium (never a downloaded one) through
// puppeteer-core, and print results as JSON on stdout for the Rust tests to assert on.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
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

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.json': 'application/json', '.xml': 'application/xml', '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
};

/// Serves the site folder `dir` over HTTP on 127.0.0.1 (a free port), as a web server
/// publishes it (folder URLs give their index.html). Returns the server with `base`, its URL.
export async function serve(dir) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    let rel;
    try { rel = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400); res.end(); return; }
    let file = path.join(root, rel);
    if (!file.startsWith(root)) { res.writeHead(403); res.end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return; }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  server.base = `http://127.0.0.1:${server.address().port}/`;
  return server;
}
