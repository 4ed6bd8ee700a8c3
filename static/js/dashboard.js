/* 首页看板: two Apache ECharts charts fed by the page's json_script ("dashboard-data").
   The same numbers are printed in tables beside the charts, so a failed script loses nothing. */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var red = "#c8161d";
  var charts = [];

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) {
      return;
    }
    var instance = echarts.init(el, null, { renderer: "svg" });
    instance.setOption(option);
    charts.push(instance);
  }

  chart("chart-stages", {
    color: [red],
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.stages.labels },
    series: [{
      name: "人数", type: "bar", data: data.stages.values,
      label: { show: true, position: "right" }
    }]
  });

  chart("chart-months", {
    color: [red, "#f0a5a8"],
    legend: { top: 0, data: ["已开展", "计划中"] },
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "category", data: data.months.labels },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "已开展", type: "bar", stack: "activities", data: data.months.held },
      { name: "计划中", type: "bar", stack: "activities", data: data.months.planned }
    ]
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (instance) { instance.resize(); });
  });
})();
