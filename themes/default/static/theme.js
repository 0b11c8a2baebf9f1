// Reader settings, remembered across pages; the page works fully without them (no JS: the
// standard page). Loaded in <head>, so a remembered setting applies before the first paint.
// - text size (适老化): A− A A+ A++;
// - 关怀版 (适老化/关怀模式): larger text, higher contrast, one column, no motion;
// - 繁體: the page's text in Traditional characters, with the site's own table
//   (static/hant.js, made at build time from OpenCC), loaded only when switched on.
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  var keys = { size: "gongkai-text-size", care: "gongkai-care", hant: "gongkai-hant" };
  var script = document.currentScript;
  var hantSrc = script && script.getAttribute("data-hant");
  var simplified = root.getAttribute("lang") || "zh-CN";

  function load(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function save(key, v) { try { if (v) localStorage.setItem(key, v); else localStorage.removeItem(key); } catch (e) {} }

  function applySize(size) {
    root.classList.remove("size-small", "size-large", "size-xlarge");
    if (size && size !== "normal") root.classList.add("size-" + size);
  }
  function applyCare(on) { root.classList.toggle("care", !!on); }

  // --- 繁體 -------------------------------------------------------------------------------
  var table = null;   // { chars: Map, phrases: Map, longest }
  var observer = null;
  var originals = new WeakMap(); // text node → its Simplified text
  var SKIP = { SCRIPT: 1, STYLE: 1, TEXTAREA: 1, CODE: 1, PRE: 1 };
  var ATTRS = ["title", "alt", "placeholder", "aria-label"];

  function makeTable(data) {
    var chars = new Map(), phrases = new Map(), longest = 0, c = Array.from(data.chars), i;
    for (i = 0; i + 1 < c.length; i += 2) chars.set(c[i], c[i + 1]);
    for (i = 0; i + 1 < data.phrases.length; i += 2) {
      phrases.set(data.phrases[i], data.phrases[i + 1]);
      longest = Math.max(longest, Array.from(data.phrases[i]).length);
    }
    return { chars: chars, phrases: phrases, longest: longest };
  }
  // At each position the longest phrase of the table, else the character (as the build's
  // render::hant::convert, which is tested against OpenCC).
  function convert(text) {
    var c = Array.from(text), out = "", i = 0, len, part, t;
    outer: while (i < c.length) {
      for (len = Math.min(table.longest, c.length - i); len >= 2; len--) {
        part = c.slice(i, i + len).join("");
        t = table.phrases.get(part);
        if (t !== undefined) { out += t; i += len; continue outer; }
      }
      t = table.chars.get(c[i]);
      out += t === undefined ? c[i] : t;
      i++;
    }
    return out;
  }
  function walk(node, f) {
    if (node.nodeType === 3) { f(node); return; }
    if (node.nodeType !== 1 || SKIP[node.nodeName]) return;
    for (var k = 0; k < ATTRS.length; k++) {
      var a = node.getAttribute(ATTRS[k]);
      if (a) {
        var key = "data-simplified-" + ATTRS[k];
        if (!node.hasAttribute(key)) node.setAttribute(key, a);
        node.setAttribute(ATTRS[k], f === toHant ? convert(node.getAttribute(key)) : node.getAttribute(key));
      }
    }
    for (var ch = node.firstChild; ch; ch = ch.nextSibling) walk(ch, f);
  }
  function toHant(n) {
    if (n.nodeType !== 3) return;
    if (!originals.has(n)) originals.set(n, n.nodeValue);
    var t = convert(originals.get(n));
    if (n.nodeValue !== t) n.nodeValue = t;
  }
  function toHans(n) {
    if (n.nodeType === 3 && originals.has(n)) n.nodeValue = originals.get(n);
  }
  function hantOn() {
    if (!table || !document.body) return;
    root.setAttribute("lang", "zh-Hant");
    if (!("simplifiedTitle" in root.dataset)) root.dataset.simplifiedTitle = document.title;
    document.title = convert(root.dataset.simplifiedTitle);
    walk(document.body, toHant);
    if (!observer && window.MutationObserver) {
      // Search results and other late content follow the switch too.
      observer = new MutationObserver(function (list) {
        list.forEach(function (m) { m.addedNodes.forEach(function (n) { walk(n, toHant); }); });
      });
    }
    if (observer) observer.observe(document.body, { childList: true, subtree: true });
  }
  function hantOff() {
    if (observer) observer.disconnect();
    root.setAttribute("lang", simplified);
    if ("simplifiedTitle" in root.dataset) document.title = root.dataset.simplifiedTitle;
    if (document.body) walk(document.body, toHans);
  }
  function applyHant(on, done) {
    if (!on) { hantOff(); if (done) done(); return; }
    if (table) { hantOn(); if (done) done(); return; }
    if (!hantSrc) return;
    var s = document.createElement("script");
    s.src = hantSrc;
    s.onload = function () {
      if (window.GONGKAI_HANT) table = makeTable(window.GONGKAI_HANT);
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", hantOn);
      else hantOn();
      if (done) done();
    };
    document.head.appendChild(s);
  }

  applySize(load(keys.size));
  applyCare(load(keys.care) === "1");
  var hant = load(keys.hant) === "1";
  if (hant) applyHant(true);

  // The switches work only with this script, so it writes them into the places the page keeps
  // for them (hidden without script; a place keeps its height, so nothing moves). A theme whose
  // pages still carry their own buttons keeps them.
  function place(selector, html) {
    var el = document.querySelector(selector);
    if (el && !el.querySelector("button")) el.innerHTML = html;
    return el;
  }

  document.addEventListener("DOMContentLoaded", function () {
    place(".reader-modes", '<button type="button" data-mode="care" aria-pressed="false">关怀版</button>' +
      ' <button type="button" data-mode="hant" aria-pressed="false" lang="zh-Hant">繁體</button>');
    var box = place(".text-size", '字号:<button type="button" data-size="small" aria-label="A− 缩小字号">A−</button>' +
      '<button type="button" data-size="normal" aria-label="A 标准字号">A</button>' +
      '<button type="button" data-size="large" aria-label="A+ 放大字号">A+</button>' +
      '<button type="button" data-size="xlarge" aria-label="A++ 特大字号">A++</button>');
    if (box) {
      box.addEventListener("click", function (ev) {
        var size = ev.target.getAttribute && ev.target.getAttribute("data-size");
        if (!size) return;
        applySize(size);
        save(keys.size, size);
      });
    }
    var modes = document.querySelector(".reader-modes");
    if (!modes) return;
    var care = modes.querySelector('[data-mode="care"]');
    var trad = modes.querySelector('[data-mode="hant"]');
    care.setAttribute("aria-pressed", String(root.classList.contains("care")));
    trad.setAttribute("aria-pressed", String(hant));
    care.addEventListener("click", function () {
      var on = !root.classList.contains("care");
      applyCare(on);
      save(keys.care, on ? "1" : "");
      care.setAttribute("aria-pressed", String(on));
    });
    trad.addEventListener("click", function () {
      hant = !hant;
      save(keys.hant, hant ? "1" : "");
      trad.setAttribute("aria-pressed", String(hant));
      applyHant(hant);
    });
  });
})();
