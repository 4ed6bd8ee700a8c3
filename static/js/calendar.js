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
    events: {
      url: options.eventsUrl,
      extraParams: function () {
        var params = {};
        if (organisationSelect && organisationSelect.value) {
          params.organisation = organisationSelect.value;
        }
        if (kindSelect && kindSelect.value) {
          params.kind = kindSelect.value;
        }
        return params;
      },
      failure: function () {
        showError("活动加载失败，请刷新页面重试。");
      },
    },
    loading: function (isLoading) {
      if (isLoading) {
        showError("");
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
})();
