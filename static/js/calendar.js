/* 活动日历: FullCalendar (global build, zh-cn) fed by activities:calendar_events.
   On a phone-width screen the list view reads better than a month grid, so we switch to it. */
(function () {
  "use strict";

  var el = document.getElementById("calendar");
  if (!el || typeof FullCalendar === "undefined") {
    return;
  }
  var options = JSON.parse(document.getElementById("calendar-options").textContent);
  var errorBox = document.getElementById("calendar-error");
  var organisationSelect = document.getElementById("filter-organisation");
  var kindSelect = document.getElementById("filter-kind");
  var PHONE = window.matchMedia("(max-width: 575.98px)");

  function toolbars(isPhone) {
    if (isPhone) {
      return {
        headerToolbar: { left: "prev,next", center: "title", right: "today" },
        footerToolbar: { center: "listMonth,dayGridMonth,timeGridWeek" },
      };
    }
    return {
      headerToolbar: { left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,listMonth" },
      footerToolbar: false,
    };
  }

  // "2025-06-11T09:00:00+08:00" → "2025-06-11T09:00:00": the Beijing wall clock, whatever the device's zone.
  function wallClock(value) {
    return typeof value === "string" ? value.replace(/([+-]\d\d:\d\d|Z)$/, "") : value;
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.classList.toggle("d-none", !message);
  }

  var calendar = new FullCalendar.Calendar(el, Object.assign({
    locale: "zh-cn",
    firstDay: 1,
    initialView: PHONE.matches ? "listMonth" : "dayGridMonth",
    height: "auto",
    nowIndicator: true,
    allDaySlot: false,
    scrollTime: "08:00:00",
    eventDisplay: "block",
    dayMaxEvents: 4,
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    buttonText: { listMonth: "列表" },
    // Times are Beijing time on every device: the calendar runs in "UTC" as a neutral wall clock, the
    // feed's "+08:00" times are read as that wall clock, and the range sent back is the same wall clock
    // in Beijing time. (A phone set to another zone still sees 09:10 for a meeting at 09:10.)
    timeZone: "UTC",
    // "Now" on the same wall clock (Beijing is UTC+8 all year, no daylight saving): today's date, the highlighted
    // day and the now line are Beijing's whatever the device's zone — between midnight and 08:00 in Beijing the
    // UTC clock still says yesterday.
    now: function () {
      return new Date(Date.now() + 8 * 3600 * 1000).toISOString().replace(/Z$/, "");
    },
    events: function (info, success, failure) {
      var params = new URLSearchParams({
        start: info.startStr.replace(/Z$/, "+08:00"),
        end: info.endStr.replace(/Z$/, "+08:00"),
      });
      if (organisationSelect && organisationSelect.value) {
        params.set("organisation", organisationSelect.value);
      }
      if (kindSelect && kindSelect.value) {
        params.set("kind", kindSelect.value);
      }
      fetch(options.eventsUrl + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (events) {
          success(events.map(function (event) {
            var props = event.extendedProps || {};
            var title = options.showOrganisation && props.organisation
              ? props.organisation + "｜" + event.title : event.title;
            return Object.assign({}, event, { title: title, start: wallClock(event.start), end: wallClock(event.end) });
          }));
        })
        .catch(function (error) {
          showError("活动加载失败，请刷新页面重试。");
          failure(error);
        });
    },
    loading: function (isLoading) {
      if (isLoading) {
        showError("");
      }
    },
    // FullCalendar's arrow icons are role="img" without a name; the button around them has the name.
    datesSet: function () {
      el.querySelectorAll(".fc-icon").forEach(function (icon) { icon.setAttribute("aria-hidden", "true"); });
    },
    // "+2 项" on a crowded day opens a popover: FullCalendar renders it as an <a> without href carrying
    // aria-expanded, which only a button may carry (axe: aria-allowed-attr). It is one: say so.
    moreLinkDidMount: function (info) {
      if (!info.el.hasAttribute("href")) {
        info.el.setAttribute("role", "button");
      }
    },
    eventDidMount: function (info) {
      var props = info.event.extendedProps;
      var parts = [props.kind, props.organisation, props.place, props.status].filter(Boolean);
      info.el.setAttribute("title", info.event.title + "\n" + parts.join(" · "));
    },
  }, toolbars(PHONE.matches)));

  calendar.render();

  // Only when the width crosses the breakpoint (a phone turned sideways), so a view the user
  // picked is not taken away each time the address bar hides and the window height changes.
  PHONE.addEventListener("change", function (event) {
    calendar.setOption("headerToolbar", toolbars(event.matches).headerToolbar);
    calendar.setOption("footerToolbar", toolbars(event.matches).footerToolbar);
    calendar.changeView(event.matches ? "listMonth" : "dayGridMonth");
  });

  [organisationSelect, kindSelect].forEach(function (select) {
    if (select) {
      select.addEventListener("change", function () {
        calendar.refetchEvents();
      });
    }
  });
  // Past a select's worth of organisations a search box refills the select (htmx): show what it now selects.
  if (organisationSelect) {
    organisationSelect.addEventListener("htmx:afterSwap", function () {
      calendar.refetchEvents();
    });
  }
})();
