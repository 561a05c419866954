// Kehu visit plans: the compliance chart (on-time rate per manager or
// team, percent). No inline scripts (CSP): the data comes from
// <script type="application/json" id="ID-data"> next to the chart.
"use strict";

(function () {
  function chart() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-visit-chart]").forEach(function (el) {
      var src = document.getElementById(el.id + "-data");
      if (!src) return;
      var d = JSON.parse(src.textContent);
      var c = echarts.init(el, null, { renderer: "canvas" });
      c.setOption({
        tooltip: { valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
        grid: { left: 48, right: 16, top: 24, bottom: 40 },
        xAxis: { type: "category", data: d.labels },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: [{ type: "bar", data: d.values, label: { show: true, formatter: "{c}%" } }],
        graphic: d.labels.length ? [] : [{ type: "text", left: "center", top: "middle", style: { text: el.dataset.empty || "" } }],
      });
      window.addEventListener("resize", function () { c.resize(); });
      el.dataset.chartReady = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", chart);
})();
