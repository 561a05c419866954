// Kehu page behaviour. No inline scripts: the Content-Security-Policy
// allows only files served by Kehu itself.
"use strict";

function kehuCharts() {
  if (typeof echarts === "undefined") return;
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var src = document.getElementById(el.id + "-data");
    var data = src ? JSON.parse(src.textContent) : { labels: [], values: [] };
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: {},
      grid: { left: 40, right: 16, top: 24, bottom: 32 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: el.dataset.chart, data: data.values }],
      graphic: data.values.length ? [] : [{ type: "text", left: "center", top: "middle",
        style: { text: el.dataset.empty || "", fontSize: 14, fill: "#888" } }],
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.chartReady = "1";
  });
}

document.addEventListener("DOMContentLoaded", kehuCharts);
