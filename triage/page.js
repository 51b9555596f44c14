(function () {
  "use strict";
  var table = document.getElementById("triage");
  var heads = table.tHead.rows[0].cells;
  var details = Array.prototype.slice.call(table.querySelectorAll("details"));

  // Sorting: each project is a tbody (its row and its details), so a
  // project's details move with it.
  function key(group, i, type) {
    var v = group.rows[0].cells[i].getAttribute("data-v");
    if (v === null || v === "") return null;
    return type === "num" ? parseFloat(v) : v.toLowerCase();
  }
  function sortBy(i) {
    var th = heads[i], type = th.getAttribute("data-type");
    if (type === "none") return;
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    for (var j = 0; j < heads.length; j++) heads[j].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", dir);
    var groups = Array.prototype.slice.call(table.tBodies);
    groups.sort(function (a, b) {
      var x = key(a, i, type), y = key(b, i, type);
      if (x === null && y === null) return 0;
      if (x === null) return 1; // unavailable last, whichever the direction
      if (y === null) return -1;
      var c = x < y ? -1 : x > y ? 1 : 0;
      return dir === "ascending" ? c : -c;
    });
    groups.forEach(function (g) { table.appendChild(g); });
  }
  for (var i = 0; i < heads.length; i++) {
    (function (i) { heads[i].addEventListener("click", function () { sortBy(i); }); })(i);
  }

  // A click on a project's row (not on a link, not selecting text) opens
  // or closes its details, as its summary line does.
  table.addEventListener("click", function (e) {
    var row = e.target.closest("tr.summary");
    if (!row || e.target.closest("a") || String(window.getSelection())) return;
    var d = row.parentNode.querySelector("details");
    if (d) d.open = !d.open;
  });

  function setAll(open) { details.forEach(function (d) { d.open = open; }); }
  document.getElementById("expand-all").addEventListener("click", function () { setAll(true); });
  document.getElementById("collapse-all").addEventListener("click", function () { setAll(false); });
  document.getElementById("controls").hidden = false;

  // Printing shows every project's details (the print stylesheet does too,
  // where the browser lets it), then restores what was open.
  var before = null;
  window.addEventListener("beforeprint", function () {
    before = details.map(function (d) { return d.open; });
    setAll(true);
  });
  window.addEventListener("afterprint", function () {
    if (before) details.forEach(function (d, i) { d.open = before[i]; });
    before = null;
  });
})();
