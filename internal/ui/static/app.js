// Kehu page behaviour. No inline scripts: the Content-Security-Policy
// allows only files served by Kehu itself. Every part works on what the
// server rendered and leaves the page usable without it.
"use strict";

// The theme's colours for charts.
var kehuPalette = ["#1a5fb4", "#f0a30a", "#2e7d32", "#c62828", "#6a4c93", "#00838f", "#8d6e63", "#5f6b7a", "#ad1457"];

// kehuCharts draws every [data-chart] element from the JSON in the
// element #<id>-data: {kind, labels, series: [{name, values}], unit, empty}.
function kehuCharts() {
  if (typeof echarts === "undefined") return;
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var src = document.getElementById(el.id + "-data");
    var data = src ? JSON.parse(src.textContent) : {};
    var labels = data.labels || [];
    var series = data.series || [];
    var unit = data.unit || "";
    var hasData = labels.length > 0 && series.some(function (s) {
      return (s.values || []).some(function (v) { return v !== null; });
    });
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var narrow = el.clientWidth < 420;
    chart.setOption({
      color: kehuPalette,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + unit; } },
      legend: series.length > 1 ? { top: 0, itemWidth: 12, itemHeight: 8 } : undefined,
      grid: { left: 8, right: 12, top: series.length > 1 ? 36 : 20, bottom: 4, containLabel: true },
      xAxis: { type: "category", data: labels, axisTick: { alignWithLabel: true },
        axisLabel: { interval: 0, rotate: narrow && labels.length > 4 ? 40 : 0, fontSize: 11, hideOverlap: false } },
      yAxis: { type: "value", minInterval: 1, max: unit === "%" ? 100 : null,
        axisLabel: { formatter: "{value}" + unit, fontSize: 11 }, splitLine: { lineStyle: { color: "#eceff3" } } },
      series: series.map(function (s) {
        return { name: s.name, type: data.kind || "bar", data: s.values || [], barMaxWidth: 36,
          label: { show: labels.length <= 4, position: "top", fontSize: 11,
            formatter: function (p) { return p.value === null || p.value === undefined ? "" : p.value + unit; } } };
      }),
      graphic: hasData ? [] : [{ type: "text", left: "center", top: "middle",
        style: { text: data.empty || "", fontSize: 13, fill: "#8a94a3" } }],
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.chartReady = "1";
  });
}

// kehuMenu folds the side menu behind the header's button on phones.
function kehuMenu() {
  var button = document.getElementById("menu-toggle");
  if (!button) return;
  button.addEventListener("click", function () {
    var open = document.body.classList.toggle("nav-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && document.body.classList.contains("nav-open")) {
      document.body.classList.remove("nav-open");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
}

// Cell text that must not wrap: dates and times, numbers and money,
// codes, masked phones; and any short text, such as a name or a status (a
// Chinese name must not stack one character per line).
var kehuNoWrap = /^[\s0-9A-Za-z¥$￥.,:;\/\-+#%*()（）_~]+$/;

// kehuWidth is how wide text is in Latin characters: a Chinese
// character counts two.
function kehuWidth(text) {
  var n = 0;
  for (var i = 0; i < text.length; i++) n += text.charCodeAt(i) > 0x2e7f ? 2 : 1;
  return n;
}

// kehuTables keeps tables readable: every table scrolls inside a box of
// its own (never the page), short cells do not wrap, numbers line up on
// the right, and a long one-line name is cut with its full text on hover.
function kehuTables(root) {
  (root || document).querySelectorAll("main table").forEach(function (table) {
    if (table.closest(".month")) return; // the calendar's month grids are fixed
    var box = table.parentElement;
    if (box && !box.classList.contains("overflow-auto") && !box.classList.contains("table-scroll")) {
      var wrap = document.createElement("div");
      wrap.className = "table-scroll";
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    }
    table.querySelectorAll("td").forEach(function (td) {
      if (td.dataset.kehuCell) return;
      td.dataset.kehuCell = "1";
      if (td.colSpan > 1 || td.querySelector("form, input, select, textarea, button, ul, ol, table, br, p, div, details")) return;
      var text = td.textContent.replace(/\s+/g, " ").trim();
      if (!text) return;
      if (kehuNoWrap.test(text) && text.length <= 40) {
        td.classList.add("nowrap");
        if (/^[¥￥-]?[\d,]+(\.\d+)?%?$/.test(text)) td.classList.add("num");
        return;
      }
      if (kehuWidth(text) <= 12) {
        td.classList.add("nowrap");
        return;
      }
      if (kehuWidth(text) > 18 && td.children.length <= 1 && !td.querySelector("time, mark, strong, small")) {
        var cut = document.createElement("span");
        cut.className = "cut";
        cut.title = text;
        while (td.firstChild) cut.appendChild(td.firstChild);
        td.appendChild(cut);
      }
    });
  });
}

// kehuDates shows every date field as YYYY-MM-DD (zh-CN), whatever the
// browser's own format: a text field that takes 2026-12-05, 2026/12/05,
// 2026.12.05 or 20261205 and writes it as 2026-12-05, the form's value
// the same as a date picker's.
function kehuDates(root) {
  (root || document).querySelectorAll('input[type="date"]').forEach(function (input) {
    input.type = "text";
    input.inputMode = "numeric";
    input.placeholder = "YYYY-MM-DD";
    input.maxLength = 10;
    input.pattern = "\\d{4}-\\d{2}-\\d{2}";
    input.autocomplete = "off";
    input.classList.add("date");
    input.addEventListener("change", function () {
      var m = input.value.trim().match(/^(\d{4})\D?(\d{1,2})\D?(\d{1,2})$/);
      if (m) input.value = m[1] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[3]).slice(-2);
    });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  kehuMenu();
  kehuTables();
  kehuDates();
  kehuCharts();
});
// Parts htmx swaps in get the same treatment.
document.addEventListener("htmx:afterSwap", function (e) {
  kehuTables(e.target);
  kehuDates(e.target);
});
