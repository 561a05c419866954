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

// kehuDateKinds are the zh-CN formats of date fields, whatever the
// browser's own: a text field in that format, which takes what a person
// types with other separators (2026/12/5 9:05, 20261205) and writes it
// the one way the server reads, as a date picker's value would be.
var kehuDateKinds = {
  date: { sel: 'input[type="date"], input[data-date]', hint: "YYYY-MM-DD", max: 10,
    pattern: "\\d{4}-\\d{2}-\\d{2}", re: /^(\d{4})\D?(\d{1,2})\D?(\d{1,2})$/,
    out: function (m) { return m[1] + "-" + kehuTwo(m[2]) + "-" + kehuTwo(m[3]); } },
  datetime: { sel: 'input[type="datetime-local"], input[data-datetime]', hint: "YYYY-MM-DD HH:mm", max: 16,
    pattern: "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}",
    re: /^(\d{4})\D?(\d{1,2})\D?(\d{1,2})(?:\s*T\s*|\s+|\D)(\d{1,2})\D?(\d{2})(?::\d{2})?$/,
    out: function (m) { return m[1] + "-" + kehuTwo(m[2]) + "-" + kehuTwo(m[3]) + " " + kehuTwo(m[4]) + ":" + m[5]; } },
  month: { sel: 'input[type="month"], input[data-month]', hint: "YYYY-MM", max: 7,
    pattern: "\\d{4}-\\d{2}", re: /^(\d{4})\D?(\d{1,2})$/,
    out: function (m) { return m[1] + "-" + kehuTwo(m[2]); } },
};

function kehuTwo(n) { return ("0" + n).slice(-2); }

// kehuDates makes every date, date-and-time and month field a text field
// in its zh-CN format, with the format as its placeholder and, in the
// page's language, as the message when it does not match.
function kehuDates(root) {
  var hints = document.body.dataset;
  Object.keys(kehuDateKinds).forEach(function (kind) {
    var k = kehuDateKinds[kind];
    (root || document).querySelectorAll(k.sel).forEach(function (input) {
      if (input.dataset.kehuDate) return;
      var value = input.getAttribute("value") || input.value || "";
      input.dataset.kehuDate = kind;
      input.type = "text";
      input.inputMode = "numeric";
      input.placeholder = k.hint;
      input.maxLength = k.max + 3; // room for seconds or a T, tidied on change
      input.pattern = k.pattern;
      input.autocomplete = "off";
      input.title = hints["hint" + kind.charAt(0).toUpperCase() + kind.slice(1)] || k.hint;
      input.classList.add(kind === "date" ? "date" : kind);
      var tidy = function () {
        var m = input.value.trim().match(k.re);
        if (m) input.value = k.out(m);
      };
      input.value = value;
      tidy();
      input.addEventListener("change", tidy);
      input.addEventListener("blur", tidy);
    });
  });
}

// kehuFiles draws every file field in the page's language: the browser
// writes its own button and "no file" words in the browser's language
// (Choose Files on a Chinese page). The field stays, out of sight but
// focusable; a button and a line of the page's words stand for it.
function kehuFiles(root) {
  var t = document.body.dataset;
  (root || document).querySelectorAll('input[type="file"]').forEach(function (input) {
    if (input.dataset.kehuFile || !t.fileChoose) return;
    input.dataset.kehuFile = "1";
    var box = document.createElement("span");
    box.className = "file-pick";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary outline";
    button.textContent = t.fileChoose;
    button.tabIndex = -1; // the field itself takes the focus and the keys
    var chosen = document.createElement("span");
    chosen.className = "file-chosen";
    chosen.setAttribute("aria-hidden", "true");
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    box.appendChild(button);
    box.appendChild(chosen);
    var show = function () {
      var n = input.files ? input.files.length : 0;
      chosen.textContent = n === 0 ? t.fileNone : n === 1 ? input.files[0].name : (t.fileCount || "%d").replace("0", String(n));
    };
    input.addEventListener("change", show);
    show();
  });
}

document.addEventListener("DOMContentLoaded", function () {
  kehuFiles();
  kehuMenu();
  kehuTables();
  kehuDates();
  kehuCharts();
});
// Parts htmx swaps in get the same treatment.
document.addEventListener("htmx:afterSwap", function (e) {
  kehuTables(e.target);
  kehuDates(e.target);
  kehuFiles(e.target);
});
