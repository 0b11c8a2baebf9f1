// Text size control (适老化): remembered across pages; the page works fully without it.
(function () {
  var key = "gongkai-text-size", root = document.documentElement;
  function apply(size) {
    root.classList.remove("size-small", "size-large", "size-xlarge");
    if (size && size !== "normal") root.classList.add("size-" + size);
  }
  try { apply(localStorage.getItem(key)); } catch (e) {}
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector(".text-size");
    if (!box) return;
    box.hidden = false;
    box.addEventListener("click", function (ev) {
      var size = ev.target.getAttribute && ev.target.getAttribute("data-size");
      if (!size) return;
      apply(size);
      try { localStorage.setItem(key, size); } catch (e) {}
    });
  });
})();
