/* gongkai search: Chinese full-text search without a server.
 *
 * Loads the index that `gongkai build` wrote under search/ (src/search/), one <script> per
 * file, so it works over http and from file:// alike. Each file calls
 * gongkaiSearch(kind, n, data). The tokenizer and folding below must stay identical to
 * src/search/tokenize.rs and src/search/fold.rs: tests/search_browser.rs runs both on the same
 * cases (src/search/tokenizer_cases.json).
 */
(function () {
  "use strict";

  var MAX_GRAM = 4;
  var PAGE = 10;
  var FORMAT_VERSION = 2;
  var HAN = [[0x3007, 0x3007], [0x3400, 0x4DBF], [0x4E00, 0x9FFF], [0xF900, 0xFAFF], [0x20000, 0x3134F]];
  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var B64_VALUE = {};
  for (var bi = 0; bi < 64; bi++) B64_VALUE[B64.charCodeAt(bi)] = bi;

  var script = document.currentScript;
  var base = script ? new URL("../search/", script.src).href : "../search/";

  /* ---- loading: one <script> per file, registered through the global callback ---- */
  var store = {};
  var pending = {};
  var loadedFiles = [];

  function gongkaiSearch(kind, n, data) {
    var key = kind + ":" + n;
    store[key] = data;
    if (pending[key]) pending[key].resolve(data);
  }

  function load(kind, n, path) {
    var key = kind + ":" + n;
    if (store[key] !== undefined) return Promise.resolve(store[key]);
    if (pending[key]) return pending[key].promise;
    var p = {};
    p.promise = new Promise(function (resolve, reject) {
      p.resolve = resolve;
      p.reject = reject;
    });
    pending[key] = p;
    var s = document.createElement("script");
    s.src = base + path;
    s.async = true;
    s.onerror = function () {
      p.reject(new Error("cannot load search/" + path));
    };
    s.onload = function () {
      if (store[key] === undefined) p.reject(new Error("search/" + path + " registered nothing"));
    };
    loadedFiles.push("search/" + path);
    document.head.appendChild(s);
    return p.promise;
  }

  /* ---- folding (src/search/fold.rs) ---- */
  var foldMap = new Map();

  /** Reads search/fold.js (src/search/index.rs, encode_fold_table): per pair, the gap from the
   * previous Traditional code point and the zigzag distance to the Simplified one, as varints.
   * It holds the pairs whose Simplified character is on the site (index.rs, fold_file): any
   * other character matches nothing, folded or not. */
  function setFoldTable(encoded) {
    var values = readVarints(encoded);
    var t = -1;
    for (var i = 0; i + 1 < values.length; i += 2) {
      t += values[i] + 1;
      var d = values[i + 1];
      foldMap.set(t, t + (d % 2 ? -(d + 1) / 2 : d / 2));
    }
  }

  function foldCp(u) {
    if (u >= 0x41 && u <= 0x5A) return u + 0x20;
    if (u >= 0xC0 && u <= 0xDE && u !== 0xD7) return u + 0x20;
    if (u >= 0xFF01 && u <= 0xFF5E) return foldCp(u - 0xFEE0);
    if (u === 0x3000) return 0x20;
    if (u >= 0x3400) {
      var v = foldMap.get(u);
      if (v !== undefined) return v;
    }
    return u;
  }

  function foldCps(text) {
    var out = [];
    for (var ch of text) out.push(foldCp(ch.codePointAt(0)));
    return out;
  }

  /* ---- tokenizing (src/search/tokenize.rs) ---- */
  function isHan(u) {
    for (var i = 0; i < HAN.length; i++) if (u >= HAN[i][0] && u <= HAN[i][1]) return true;
    return false;
  }
  function isDigit(u) { return u >= 0x30 && u <= 0x39; }
  function isWordCp(u) {
    return (u >= 0x61 && u <= 0x7A) || isDigit(u) || (u >= 0xDF && u <= 0xFF && u !== 0xF7);
  }
  function str(cps, s, e) { return String.fromCodePoint.apply(null, cps.slice(s, e)); }

  function runs(f) {
    var out = [];
    var i = 0;
    var n = f.length;
    while (i < n) {
      var c = f[i];
      var s = i;
      if (isHan(c)) {
        while (i < n && isHan(f[i])) i++;
        out.push({ han: true, s: s, e: i });
      } else if (isWordCp(c)) {
        while (i < n) {
          if (isWordCp(f[i])) i++;
          else if (f[i] === 0x2E && i > s && isDigit(f[i - 1]) && i + 1 < n && isDigit(f[i + 1])) i++;
          else break;
        }
        if (i < n && f[i] === 0x25 && isDigit(f[i - 1])) i++;
        out.push({ han: false, s: s, e: i });
      } else {
        i++;
      }
    }
    return out;
  }

  function wordParts(w, push) {
    var body = w[w.length - 1] === 0x25 ? w.slice(0, w.length - 1) : w;
    if (body.length < w.length) push(str(body, 0, body.length));
    var numeric = function (u) { return isDigit(u) || u === 0x2E; };
    var i = 0;
    while (i < body.length) {
      var k = numeric(body[i]);
      var start = i;
      while (i < body.length && numeric(body[i]) === k) i++;
      if (start === 0 && i === body.length) break;
      push(str(body, start, i));
    }
  }

  function indexTokens(text) {
    var f = foldCps(text);
    var out = [];
    var push = function (t) { out.push(t); };
    runs(f).forEach(function (r) {
      if (r.han) {
        for (var i = r.s; i < r.e; i++) {
          for (var k = 1; k <= Math.min(MAX_GRAM, r.e - i); k++) out.push(str(f, i, i + k));
        }
      } else {
        var w = f.slice(r.s, r.e);
        out.push(str(w, 0, w.length));
        wordParts(w, push);
      }
    });
    return out;
  }

  function queryTokens(text) {
    var f = foldCps(text);
    var out = [];
    var push = function (t) { if (out.indexOf(t) < 0) out.push(t); };
    runs(f).forEach(function (r) {
      if (r.han && r.e - r.s > MAX_GRAM) {
        for (var i = r.s; i + MAX_GRAM <= r.e; i++) push(str(f, i, i + MAX_GRAM));
      } else {
        push(str(f, r.s, r.e));
      }
    });
    return out;
  }

  /** The query's phrases, folded, as arrays of code points (for highlighting). */
  function queryPhrases(text) {
    var f = foldCps(text);
    return runs(f).map(function (r) { return f.slice(r.s, r.e); });
  }

  function termHash(term) {
    var h = 0x811c9dc5;
    for (var ch of term) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
    return h >>> 0;
  }

  /* ---- postings (src/search/index.rs) ---- */
  function readVarints(s) {
    var out = [];
    var acc = 0;
    for (var j = 0; j < s.length; j++) {
      var w = B64_VALUE[s.charCodeAt(j)];
      acc = acc * 32 + (w & 31);
      if (!(w & 32)) {
        out.push(acc);
        acc = 0;
      }
    }
    return out;
  }

  function decodeSet(s) {
    var out = [];
    if (!s) return out;
    if (s.charCodeAt(0) === 0x7E) {
      for (var i = 1; i < s.length; i++) {
        var v = B64_VALUE[s.charCodeAt(i)];
        for (var bit = 0; bit < 6; bit++) if (v & (1 << bit)) out.push((i - 1) * 6 + bit);
      }
      return out;
    }
    var prev = -1;
    var acc = 0;
    for (var j = 0; j < s.length; j++) {
      var w = B64_VALUE[s.charCodeAt(j)];
      acc = acc * 32 + (w & 31);
      if (!(w & 32)) {
        prev += acc + 1;
        out.push(prev);
        acc = 0;
      }
    }
    return out;
  }

  function intersect(lists) {
    if (!lists.length) return [];
    lists = lists.slice().sort(function (a, b) { return a.length - b.length; });
    var result = lists[0];
    for (var l = 1; l < lists.length && result.length; l++) {
      var other = lists[l];
      var next = [];
      var i = 0;
      var j = 0;
      while (i < result.length && j < other.length) {
        if (result[i] === other[j]) { next.push(result[i]); i++; j++; }
        else if (result[i] < other[j]) i++;
        else j++;
      }
      result = next;
    }
    return result;
  }

  var recordsPerFile = 1; // search/d/<n>.js holds the records of this many documents
  var ready = Promise.all([load("meta", 0, "meta.js"), load("fold", 0, "fold.js")]).then(function (r) {
    if (r[0].v !== FORMAT_VERSION) throw new Error("search index format " + r[0].v + ", expected " + FORMAT_VERSION);
    recordsPerFile = r[0].group;
    setFoldTable(r[1]);
    return r[0];
  });

  /** Finds the documents holding every query token: title hits first, then hits in the head
   * of the text, then the rest, each tier in document order. */
  function search(query) {
    return ready.then(function (meta) {
      var tokens = queryTokens(query);
      if (!tokens.length) return { ids: [], tokens: tokens, ms: 0 };
      var partOf = function (t) { return termHash(t) % meta.parts; };
      var parts = [];
      tokens.forEach(function (t) { if (parts.indexOf(partOf(t)) < 0) parts.push(partOf(t)); });
      return Promise.all(parts.map(function (n) { return load("part", n, "p/" + n + ".js"); })).then(function () {
        var t0 = performance.now();
        var entries = tokens.map(function (t) { return store["part:" + partOf(t)][t]; });
        var ids = [];
        if (entries.every(function (e) { return e; })) {
          var all = entries.map(function (e) { return decodeSet(e[0]); });
          // The head and title sets hold positions in the term's full set.
          var tier = function (k) {
            return intersect(entries.map(function (e, i) {
              if (e[k] === "=") return all[i];
              return decodeSet(e[k]).map(function (p) { return all[i][p]; });
            }));
          };
          var a = intersect(all);
          var t = tier(2);
          var h = tier(1);
          var seen = new Set();
          [t, h, a].forEach(function (list) {
            list.forEach(function (id) { if (!seen.has(id)) { seen.add(id); ids.push(id); } });
          });
        }
        return { ids: ids, tokens: tokens, ms: performance.now() - t0 };
      });
    });
  }

  /* ---- results page ---- */
  function snippet(text, phrases) {
    var f = foldCps(text);
    var chars = Array.from(text);
    var hits = [];
    phrases.forEach(function (p) {
      if (!p.length) return;
      for (var i = 0; i + p.length <= f.length; i++) {
        var ok = true;
        for (var k = 0; k < p.length; k++) if (f[i + k] !== p[k]) { ok = false; break; }
        if (ok) hits.push([i, i + p.length]);
      }
    });
    hits.sort(function (x, y) { return x[0] - y[0] || y[1] - x[1]; });
    var start = hits.length ? Math.max(0, hits[0][0] - 30) : 0;
    var end = Math.min(chars.length, start + 110);
    var frag = document.createDocumentFragment();
    if (start > 0) frag.appendChild(document.createTextNode("…"));
    var pos = start;
    hits.forEach(function (h) {
      if (h[0] < pos || h[0] >= end) return;
      if (h[0] > pos) frag.appendChild(document.createTextNode(chars.slice(pos, h[0]).join("")));
      var m = document.createElement("mark");
      m.textContent = chars.slice(h[0], Math.min(h[1], end)).join("");
      frag.appendChild(m);
      pos = Math.min(h[1], end);
    });
    if (pos < end) frag.appendChild(document.createTextNode(chars.slice(pos, end).join("")));
    if (end < chars.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  var KIND = { task: "任务", plan: "规划", unit: "部门", page: "页面" };

  function renderResult(rec, phrases) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = "../" + rec.u;
    a.textContent = rec.t;
    li.appendChild(a);
    var meta = [KIND[rec.k] || rec.k, rec.n, rec.p, rec.s].filter(function (x) { return x; });
    var m = document.createElement("p");
    m.className = "search-meta";
    m.textContent = meta.join(" · ");
    li.appendChild(m);
    if (rec.x) {
      var p = document.createElement("p");
      p.className = "search-snippet";
      p.appendChild(snippet(rec.x, phrases));
      li.appendChild(p);
    }
    return li;
  }

  function runPage() {
    var input = document.getElementById("search-input");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    if (!list || !status) return;
    var q = new URLSearchParams(window.location.search).get("q") || "";
    if (input) input.value = q;
    if (!q.trim()) {
      status.textContent = "请输入要搜索的内容,例如:污水处理率、碳达峰、市发改委。";
      list.setAttribute("data-state", "done");
      return;
    }
    document.title = q + " - " + document.title;
    status.textContent = "正在搜索……";
    var phrases = [];
    var shown = 0;
    var more = null;
    var result;

    function showMore() {
      var batch = result.ids.slice(shown, shown + PAGE);
      shown += batch.length;
      var group = recordsPerFile;
      return Promise.all(batch.map(function (id) {
        var g = Math.floor(id / group);
        return load("docs", g, "d/" + g + ".js").then(function (recs) { return recs[id - g * group]; });
      })).then(function (recs) {
        var t0 = performance.now();
        var first = null;
        recs.forEach(function (rec) {
          var li = renderResult(rec, phrases);
          if (!first) first = li;
          list.appendChild(li);
        });
        if (more) more.remove();
        more = null;
        if (shown < result.ids.length) {
          more = document.createElement("button");
          more.type = "button";
          more.textContent = "显示更多结果(还有 " + (result.ids.length - shown) + " 条)";
          more.addEventListener("click", function () {
            showMore().then(function (li) { if (li) li.querySelector("a").focus(); });
          });
          list.parentNode.insertBefore(more, list.nextSibling);
        }
        return { first: first, ms: performance.now() - t0 };
      });
    }

    search(q).then(function (r) {
      result = r;
      phrases = queryPhrases(q); // after the fold table has arrived
      if (!r.ids.length) {
        status.textContent = "没有找到与“" + q + "”相关的结果。请检查用字,或换一个较短的词。";
        list.setAttribute("data-state", "done");
        list.setAttribute("data-count", "0");
        list.setAttribute("data-query-ms", r.ms.toFixed(2));
        list.setAttribute("data-files", loadedFiles.join(" "));
        return;
      }
      status.textContent = "找到 " + r.ids.length + " 条与“" + q + "”相关的结果。";
      return showMore().then(function (shownBatch) {
        list.setAttribute("data-count", String(r.ids.length));
        list.setAttribute("data-query-ms", (r.ms + shownBatch.ms).toFixed(2));
        list.setAttribute("data-files", loadedFiles.join(" "));
        list.setAttribute("data-state", "done");
      });
    }).catch(function (err) {
      status.textContent = "搜索暂时无法使用:" + err.message;
      list.setAttribute("data-state", "error");
    });
  }

  gongkaiSearch.ready = ready;
  gongkaiSearch.search = search;
  gongkaiSearch.foldText = function (text) { return String.fromCodePoint.apply(null, foldCps(text)); };
  gongkaiSearch.indexTokens = indexTokens;
  gongkaiSearch.queryTokens = queryTokens;
  gongkaiSearch.termHash = termHash;
  gongkaiSearch.decodeSet = decodeSet;
  gongkaiSearch.loadedFiles = loadedFiles;
  window.gongkaiSearch = gongkaiSearch;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", runPage);
  else runPage();
})();
