// Kehu complaint pages: deadline clocks that keep ticking, the analysis
// charts, and the assignment form's people by department. No inline scripts (CSP): chart data comes from
// <script type="application/json" id="ID-data"> next to each chart.
"use strict";

(function () {
  function words() {
    var w = document.getElementById("clock-words");
    if (!w) return null;
    var u = (w.dataset.units || "d,h,m").split(",");
    return { left: w.dataset.left, over: w.dataset.over, d: u[0], h: u[1], m: u[2] };
  }

  function span(ms, w) {
    var mins = Math.floor(ms / 60000);
    var days = Math.floor(mins / 1440), hours = Math.floor(mins / 60) % 24, m = mins % 60;
    if (days > 0) return days + w.d + hours + w.h;
    if (hours > 0) return hours + w.h + m + w.m;
    return m + w.m;
  }

  function tick() {
    var w = words();
    if (!w) return;
    var now = Date.now();
    document.querySelectorAll("time[data-clock]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) return;
      var left = due - now;
      var over = left < 0;
      el.textContent = (over ? w.over : w.left).replace("%s", span(Math.abs(left), w));
      el.classList.toggle("error", over);
    });
  }

  function data(el) {
    var src = document.getElementById(el.id + "-data");
    return src ? JSON.parse(src.textContent) : null;
  }

  function empty(el) {
    return [{ type: "text", left: "center", top: "middle", style: { text: el.dataset.empty || "", fontSize: 14, fill: "#888" } }];
  }

  var builders = {
    pareto: function (el, d) {
      return {
        tooltip: { trigger: "axis" },
        legend: { data: [d.count_name, d.cum_name] },
        grid: { left: 48, right: 48, top: 40, bottom: 60 },
        xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 5 ? 30 : 0 } },
        yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
        series: [
          { name: d.count_name, type: "bar", data: d.counts },
          { name: d.cum_name, type: "line", yAxisIndex: 1, data: d.cumulative, label: { show: true, formatter: "{c}%" } },
        ],
        graphic: d.labels.length ? [] : empty(el),
      };
    },
    pie: function (el, d) {
      return {
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: d, label: { formatter: "{b} {c}" } }],
        graphic: d.length ? [] : empty(el),
      };
    },
    gauges: function (el, d) {
      return {
        series: d.labels.map(function (label, i) {
          var v = d.values[i];
          return {
            type: "gauge", center: [(25 + 50 * i) + "%", "60%"], radius: "70%", min: 0, max: 100,
            detail: { formatter: v === null ? "—" : "{value}%", fontSize: 18 },
            title: { offsetCenter: [0, "80%"] },
            data: [{ value: v === null ? 0 : v, name: label }],
          };
        }),
      };
    },
    bar: function (el, d) {
      return {
        tooltip: {},
        grid: { left: 48, right: 16, top: 24, bottom: 40 },
        xAxis: { type: "category", data: d.labels },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: d.values }],
        graphic: d.labels.length ? [] : empty(el),
      };
    },
  };

  function charts() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-complaints-chart]").forEach(function (el) {
      var build = builders[el.dataset.complaintsChart];
      var d = data(el);
      if (!build || d === null) return;
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(el, d));
      window.addEventListener("resize", function () { chart.resize(); });
      el.dataset.chartReady = "1";
    });
  }

  // The assignment form: the person list shows the chosen department's
  // people only (without a department chosen, everyone, by department).
  function people() {
    document.querySelectorAll("select[data-departments]").forEach(function (dept) {
      var who = dept.form && dept.form.querySelector("select[data-people]");
      if (!who) return;
      function show() {
        who.querySelectorAll("optgroup").forEach(function (g) {
          var on = !dept.value || g.dataset.department === dept.value;
          g.hidden = !on;
          g.disabled = !on;
        });
        var chosen = who.selectedOptions[0];
        if (chosen && chosen.parentElement && chosen.parentElement.disabled) who.value = "";
      }
      dept.addEventListener("change", show);
      show();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 30000);
    charts();
    people();
  });
})();
