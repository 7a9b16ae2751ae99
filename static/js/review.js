// Review queue: a "select all" box for bulk approval. The page works without it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var table = document.getElementById("queue");
    if (!table) { return; }
    var boxes = table.querySelectorAll("input.rv-select");
    if (!boxes.length) { return; }
    var cell = table.querySelector("thead th");
    var all = document.createElement("input");
    all.type = "checkbox";
    all.id = "select-all";
    all.setAttribute("aria-label", table.getAttribute("data-select-all") || "Select all");
    cell.appendChild(all);
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
  });
})();
