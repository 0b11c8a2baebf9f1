// Sortable tables: a click (or Enter) on a column header sorts by it. Without JavaScript the
// table keeps its build-time order and the pre-rendered filter pages still work.
(function () {
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      var label = th.textContent;
      var btn = document.createElement("button");
      btn.type = "button"; btn.className = "sort"; btn.textContent = label;
      th.textContent = ""; th.appendChild(btn);
      btn.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col]);
          var r = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh");
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  function key(cell) {
    var v = cell.getAttribute("data-sort"); if (v === null) v = cell.textContent.trim();
    var n = parseFloat(v); return (v !== "" && !isNaN(n) && /^-?[\d.]+$/.test(v)) ? n : v;
  }
})();
