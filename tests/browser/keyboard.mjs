// Keyboard: pressing Tab from the top of the page must reach every visible control, and each
// focused control must look focused (an outline or a box-shadow that differs from its
// unfocused look). Prints [{url, controls, unreachable: [...], invisible: [...]}].
import { eachPage, urlsFromArgs } from './lib.mjs';

const describe = `(el) => {
  const t = el.tagName.toLowerCase();
  const id = el.id ? '#' + el.id : '';
  const txt = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || el.getAttribute('href') || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  return t + id + ' "' + txt + '"';
}`;

await eachPage(urlsFromArgs(), async (page, url) => {
  await page.goto(url, { waitUntil: 'load' });
  await new Promise((r) => setTimeout(r, 200));
  // Every visible control, tagged with an index so the Tab walk can be matched against it.
  const controls = await page.evaluate((describeSrc) => {
    const describe = eval(describeSrc);
    const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
    const out = [];
    document.querySelectorAll(sel).forEach((el) => {
      if (el.disabled || el.getAttribute('tabindex') === '-1') return;
      if (el.closest('[inert], [hidden]')) return;
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      if (r.width === 0 && r.height === 0 && s.position !== 'absolute') return; // not rendered
      if (s.visibility === 'hidden' || s.display === 'none') return;
      // Collapsed <details>: its content is not reachable until opened (the summary is).
      const d = el.closest('details');
      if (d && !d.open && !(el.tagName === 'SUMMARY' && el.parentElement === d)) return;
      el.dataset.kbIndex = String(out.length);
      out.push(describe(el));
    });
    return out;
  }, describe);

  const reached = new Set();
  const invisible = [];
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const limit = controls.length + 20;
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate((describeSrc) => {
      const describe = eval(describeSrc);
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const idx = el.dataset.kbIndex;
      const focused = getComputedStyle(el);
      const look = (s) => [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.color, s.textDecorationLine, s.borderColor].join('|');
      const hasOutline = focused.outlineStyle !== 'none' && parseFloat(focused.outlineWidth) > 0;
      const hasShadow = focused.boxShadow && focused.boxShadow !== 'none';
      const focusedLook = look(focused);
      // Compare with the unfocused look.
      el.blur();
      const plainLook = look(getComputedStyle(el));
      el.focus({ focusVisible: true });
      return { idx, name: describe(el), visible: hasOutline || hasShadow || focusedLook !== plainLook };
    }, describe);
    if (!info) {
      if (reached.size > 0) break; // wrapped around to the browser chrome
      continue;
    }
    if (info.idx !== undefined) {
      if (reached.has(info.idx)) break; // came round again
      reached.add(info.idx);
    }
    if (!info.visible) invisible.push(info.name);
  }
  const unreachable = controls.filter((_, i) => !reached.has(String(i)));
  return { controls: controls.length, unreachable, invisible };
});
