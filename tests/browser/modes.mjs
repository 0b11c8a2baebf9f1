// Reader modes in real Chromium at 390 px: the 关怀版 and 繁體 switches, clicked as a reader
// clicks them, on a site served over HTTP from 127.0.0.1 (as it is published).
// usage: node modes.mjs SITE_DIR PAGE OTHER_PAGE [SCREENSHOT_DIR]
// Prints {normal, care, careRemembered, hant, hantRemembered, hantOff} as JSON.
import path from 'node:path';
import { launch, serve } from './lib.mjs';

const [dir, pagePath, otherPath, shots] = process.argv.slice(2);
if (!dir || !pagePath || !otherPath) {
  console.error('usage: node modes.mjs SITE_DIR PAGE OTHER_PAGE [SCREENSHOT_DIR]');
  process.exit(2);
}
const server = await serve(dir);
const base = server.base;

// What a reader sees: sizes, line height, and every text's contrast against what is behind it.
const measure = () => {
  const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c;
    }
    return [255, 255, 255];
  };
  const low = [];
  let texts = 0;
  let moving = 0;
  document.querySelectorAll('body *').forEach((el) => {
    const s = getComputedStyle(el);
    if (parseFloat(s.transitionDuration) > 0 || (s.animationName && s.animationName !== 'none')) moving++;
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.nodeValue.trim());
    const r = el.getBoundingClientRect();
    if (!own || r.width === 0 || s.visibility === 'hidden' || el.closest('[hidden], .visually-hidden, svg')) return;
    texts++;
    const fg = lum(rgb(s.color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 7) low.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 20)}" ${ratio.toFixed(2)}`);
  });
  const p = document.querySelector('main p');
  const ps = getComputedStyle(p);
  return {
    care: document.documentElement.classList.contains('care'),
    lang: document.documentElement.getAttribute('lang'),
    fontSize: parseFloat(ps.fontSize),
    lineHeight: parseFloat(ps.lineHeight) / parseFloat(ps.fontSize),
    lowContrast: low.slice(0, 20),
    lowContrastCount: low.length,
    texts,
    moving,
    text: document.body.innerText,
    title: document.title,
  };
};

const browser = await launch();
const out = {};
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 390, height: 900 });
  const shot = async (name) => { if (shots) await page.screenshot({ path: path.join(shots, name), fullPage: false }); };
  const settle = () => new Promise((r) => setTimeout(r, 300));

  await page.goto(base + pagePath, { waitUntil: 'load' });
  out.normal = await page.evaluate(measure);
  await shot('mode-normal-390.png');

  await page.click('.reader-modes [data-mode="care"]');
  await settle();
  out.care = await page.evaluate(measure);
  out.care.pressed = await page.$eval('.reader-modes [data-mode="care"]', (b) => b.getAttribute('aria-pressed'));
  await shot('mode-care-390.png');

  await page.goto(base + otherPath, { waitUntil: 'load' });
  out.careRemembered = await page.evaluate(measure);
  // Back to the standard page before the script switch, so each mode is seen on its own.
  await page.click('.reader-modes [data-mode="care"]');

  await page.goto(base + pagePath, { waitUntil: 'load' });
  await page.click('.reader-modes [data-mode="hant"]');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-Hant', { timeout: 5000 });
  await settle();
  out.hant = await page.evaluate(measure);
  await shot('mode-hant-390.png');

  await page.goto(base + otherPath, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.lang === 'zh-Hant', { timeout: 5000 });
  out.hantRemembered = await page.evaluate(measure);

  await page.click('.reader-modes [data-mode="hant"]');
  await settle();
  out.hantOff = await page.evaluate(measure);
  for (const k of Object.keys(out)) out[k].url = k;
} catch (e) {
  out.error = String((e && e.stack) || e);
} finally {
  await browser.close();
  server.close();
}
process.stdout.write(JSON.stringify(out) + '\n');
