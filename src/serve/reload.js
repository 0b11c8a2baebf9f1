// gongkai serve: live reload and the build-error overlay. Injected only by `gongkai serve`,
// never part of a built site.
(function () {
  var version = __GONGKAI_VERSION__;
  // This page's bytes and the site's stylesheets and scripts, as served: a new build that
  // changed neither leaves the tab alone.
  var page = '__GONGKAI_PAGE__';
  var assets = '__GONGKAI_ASSETS__';
  function overlay(diags) {
    var old = document.getElementById('gongkai-overlay');
    if (old) old.parentNode.removeChild(old);
    var box = document.createElement('div');
    box.id = 'gongkai-overlay';
    box.setAttribute('role', 'alert');
    box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;' +
      'background:rgba(20,20,20,.92);color:#fff;padding:2em;' +
      'font:14px/1.5 ui-monospace,Menlo,Consolas,monospace';
    var h = document.createElement('h2');
    h.style.cssText = 'color:#ff8080;margin-top:0';
    h.textContent = '构建失败 · build failed';
    box.appendChild(h);
    var p = document.createElement('p');
    p.textContent = '网页仍显示上次成功构建的内容;修改文件后自动刷新。' +
      'The last good build is shown underneath; fix the file and this clears.';
    box.appendChild(p);
    var ul = document.createElement('ul');
    ul.style.cssText = 'list-style:none;padding:0';
    for (var i = 0; i < diags.length; i++) {
      var d = diags[i];
      var li = document.createElement('li');
      li.style.margin = '0 0 1em';
      var at = document.createElement('b');
      at.textContent = d.path + ':' + d.line + ':' + d.col;
      li.appendChild(at);
      li.appendChild(document.createTextNode(': ' + d.severity + ': ' + d.message));
      if (d.help) {
        var help = document.createElement('div');
        help.style.color = '#9cf';
        help.textContent = 'help: ' + d.help;
        li.appendChild(help);
      }
      ul.appendChild(li);
    }
    box.appendChild(ul);
    document.body.appendChild(box);
  }
  function poll() {
    fetch('/__gongkai/poll?v=' + version + '&p=' + encodeURIComponent(location.pathname),
          { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.version !== version) {
          version = s.version;
          if (s.ok && !s.building) {
            if (s.page !== page || s.assets !== assets ||
                document.getElementById('gongkai-overlay')) {
              location.reload();
              return;
            }
          }
          if (!s.ok) overlay(s.diagnostics);
        }
        poll();
      }, function () { setTimeout(poll, 1000); });
  }
  poll();
})();
