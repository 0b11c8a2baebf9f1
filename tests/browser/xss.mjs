// Hostile input: load every URL and report whether any injected script ran — the payloads set
// window.__pwned or open a dialog (alert/confirm/prompt). Prints [{url, pwned, dialogs}].
import { eachPage, urlsFromArgs } from './lib.mjs';

let dialogs = [];
let hooked = false;
await eachPage(urlsFromArgs(), async (page, url) => {
  if (!hooked) {
    page.on('dialog', async (d) => {
      dialogs.push(d.type() + ': ' + d.message());
      await d.dismiss();
    });
    hooked = true;
  }
  dialogs = [];
  await page.goto(url, { waitUntil: 'load' });
  // onerror/onload handlers of broken images fire after load; give them time, and hover and
  // focus everything so on*-handlers tied to the pointer or focus would run too.
  await new Promise((r) => setTimeout(r, 300));
  await page.evaluate(() => {
    for (const el of document.querySelectorAll('*')) {
      for (const type of ['mouseover', 'focus', 'click']) {
        if (type === 'click' && (el.tagName === 'A' || el.tagName === 'BUTTON' || el.tagName === 'INPUT')) continue;
        el.dispatchEvent(new Event(type));
      }
    }
  });
  await new Promise((r) => setTimeout(r, 100));
  const pwned = await page.evaluate(() => typeof window.__pwned !== 'undefined');
  // javascript: links: which hrefs would run script if followed.
  const scriptLinks = await page.evaluate(() =>
    [...document.querySelectorAll('[href], [src], [action], [formaction]')]
      .map((el) => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action') || el.getAttribute('formaction') || '')
      .filter((v) => /^\s*(javascript|vbscript|data:text\/html)/i.test(v.replace(/[\u0000-\u001f]/g, ''))),
  );
  return { pwned, dialogs: [...dialogs], scriptLinks };
});
