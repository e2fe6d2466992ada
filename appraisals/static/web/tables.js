// Tables on phones (kinerja.css): a table whose columns do not fit the screen with every word
// whole reads as a stack of cards, one per row, each value under its column's name. This script
// (1) copies each column's name from the header row onto its cells as data-label, so the
// templates stay plain tables (a cell that has a data-label keeps it), and (2) marks the tables
// that do fit ("fits"), which stay tables. Without it every table stacks, without the names.
(function () {
  "use strict";

  var PHONE = window.matchMedia("(max-width: 47.99rem)");

  function label(table) {
    var head = table.tHead && table.tHead.rows.length
      ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    if (!head) return;
    var names = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      var name = cell.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (cell.colSpan || 1); i++) names.push(name);
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var name = names[column];
          column += cell.colSpan || 1;
          if (cell.tagName !== "TD" || cell.hasAttribute("data-label")) return;
          if (name && (cell.colSpan || 1) < names.length) cell.setAttribute("data-label", name);
        });
      });
    });
  }

  // Laid out as a table, does it stay within its box? (Its narrowest width is its longest words.)
  function fit(table) {
    table.classList.add("fits");
    var box = table.parentElement.getBoundingClientRect();
    var own = table.getBoundingClientRect();
    if (!own.width || own.right > box.right + 1) table.classList.remove("fits");
  }

  function refresh() {
    var tables = document.querySelectorAll("main table");
    tables.forEach(label);
    if (PHONE.matches) tables.forEach(fit);
  }

  var pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; refresh(); });
  }

  refresh();
  window.addEventListener("resize", soon);
  document.addEventListener("toggle", soon, true);  // a table inside a <details> just opened
  document.addEventListener("htmx:afterSettle", soon);  // rows htmx swapped in
})();
