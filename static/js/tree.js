/* 党组织树: each organisation with organisations below it opens and closes in place. The first opening
   fetches its first page of rows (the same rows the page renders); later ones only show or hide them.
   Without JavaScript the toggle is a link to that organisation's own page of the tree. */
(function () {
  "use strict";

  function setExpanded(toggle, expanded, name) {
    toggle.setAttribute("aria-expanded", expanded ? "true" : "false");
    toggle.setAttribute("aria-label", (expanded ? "收起" : "展开") + name + "的下级组织");
    var icon = toggle.querySelector("i");
    if (icon) {
      icon.className = expanded ? "bi bi-dash-square" : "bi bi-plus-square";
    }
  }

  function rowsBelow(row) {
    return row.parentNode.querySelectorAll('tr[data-ancestors~="' + row.dataset.pk + '"]');
  }

  function isChild(candidate, pk) {
    var ancestors = (candidate.dataset.ancestors || "").split(" ");
    return ancestors[ancestors.length - 1] === pk;
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".tree-toggle");
    if (!toggle) {
      return;
    }
    event.preventDefault();
    var row = toggle.closest("tr");
    var name = row.querySelector("td > a:not(.tree-toggle)").textContent;
    if (toggle.getAttribute("aria-expanded") === "true") {
      rowsBelow(row).forEach(function (below) { below.hidden = true; });
      setExpanded(toggle, false, name);
      return;
    }
    if (toggle.dataset.childrenLoaded) {
      rowsBelow(row).forEach(function (below) {
        if (isChild(below, row.dataset.pk)) {
          below.hidden = false;
          var inner = below.querySelector(".tree-toggle");
          if (inner) {
            setExpanded(inner, false, below.querySelector("td > a:not(.tree-toggle)").textContent);
          }
        }
      });
      setExpanded(toggle, true, name);
      return;
    }
    toggle.classList.add("disabled");
    fetch(toggle.dataset.childrenUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        row.insertAdjacentHTML("afterend", html);
        toggle.dataset.childrenLoaded = "1";
        toggle.classList.remove("disabled");
        setExpanded(toggle, true, name);
      })
      .catch(function () {
        window.location.href = toggle.href;  // that organisation's own page of the tree
      });
  });
})();
