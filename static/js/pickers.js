/* Chinese date, time and month pickers (flatpickr, zh) on every input[data-picker]: the same on every
   browser whatever its language, 24-hour times, weeks from Monday. The field stays a text box that takes
   typing ("2026-11-30 09:00"); the calendar opens from the button beside it, never by itself, so it does
   not cover the next field while someone types. Without JavaScript the field is a text box with an example. */
(function () {
  "use strict";
  if (typeof flatpickr === "undefined") {
    return;
  }
  // Weeks from Monday, as on the activity calendar.
  var LOCALE = Object.assign({}, flatpickr.l10ns.zh || {}, { firstDayOfWeek: 1 });
  var FORMATS = {
    date: { dateFormat: "Y-m-d" },
    datetime: { dateFormat: "Y-m-d H:i", enableTime: true, time_24hr: true, minuteIncrement: 5 },
    month: { dateFormat: "Y-m" },
  };

  function labelOf(input) {
    return input.labels && input.labels[0] ? input.labels[0].textContent.trim() : "日期";
  }

  function attach(root) {
    root.querySelectorAll("input[data-picker]").forEach(function (input) {
      if (input._flatpickr) {
        return;
      }
      var kind = input.dataset.picker;
      var name = labelOf(input);
      var options = Object.assign({
        locale: LOCALE,
        allowInput: true,
        clickOpens: false,
        disableMobile: true,
        positionElement: input,
        onReady: function (dates, value, instance) {
          instance.calendarContainer.setAttribute("aria-label", name + "：选择日期");
        },
      }, FORMATS[kind] || FORMATS.date);
      if (kind === "month" && typeof monthSelectPlugin !== "undefined") {
        options.plugins = [new monthSelectPlugin({ shorthand: false, dateFormat: "Y-m" })];
      }
      // The input and its calendar button side by side.
      var group = document.createElement("div");
      group.className = "input-group picker-group";
      input.parentNode.insertBefore(group, input);
      group.appendChild(input);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-secondary picker-button";
      button.setAttribute("aria-label", "从日历选择" + name);
      button.innerHTML = '<i class="bi bi-calendar3" aria-hidden="true"></i>';
      group.appendChild(button);
      var picker = flatpickr(input, options);
      button.addEventListener("click", function () { picker.toggle(); });
    });
  }

  attach(document);
  // Forms that arrive later (htmx swaps) get their pickers too.
  document.body.addEventListener("htmx:afterSwap", function (event) { attach(event.target); });
})();
