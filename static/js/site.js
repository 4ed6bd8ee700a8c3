// Small page-wide helpers, loaded on every page.
(function () {
  "use strict";

  // A table that scrolls sideways must be reachable by keyboard (WCAG 2.1.1): give it a tab stop and a name.
  function focusableScrollers(root) {
    root.querySelectorAll(".table-responsive:not([tabindex])").forEach(function (box) {
      box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        box.setAttribute("role", "region");
        var caption = box.querySelector("caption");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "表格（可左右滚动）");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { focusableScrollers(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusableScrollers(event.target); });
})();
