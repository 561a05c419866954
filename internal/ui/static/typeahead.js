// Kehu type-ahead: one search box with a list of suggestions under it, as
// the region cascader, the industry picker and the service order's
// customer search use it. It owns what every such box does the same way:
// a short pause while one types, answers that arrive out of order dropped,
// the list (role=listbox) with the arrow keys, Enter and Escape, a click
// that keeps the focus in the box, "nothing found" and "search failed"
// lines, and the ARIA combobox attributes. What is searched, how an item
// reads and what choosing one does are the caller's:
//
//   kehuTypeahead(input, {
//     search: function (q) { return promise of items },  // q trimmed
//     render: function (item) { return {text, meta, className} },
//     pick: function (item) { … },
//     none: "…", failed: "…",        // the lines when nothing is found, or the search fails
//     onFocus: true,                 // search at once on focus, even with an empty box
//     enterPicksFirst: false,        // Enter with nothing highlighted sends the form
//     typed: function () { … },      // the text changed (forget an earlier choice)
//     left: function () { … },       // the box lost the focus
//     list: existingUl,              // optional: a <ul role=listbox> already in the page
//   });
//
// getJSON(url) is the fetch the callers share: same-origin, JSON, an error
// for anything but 2xx. The list's class is "ta-list" (refpicker.css).
"use strict";

var kehuTypeaheadSeq = 0;

function kehuGetJSON(url) {
  return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
    if (!r.ok) throw new Error(url + ": " + r.status);
    return r.json();
  });
}

function kehuTypeahead(input, o) {
  var id = input.id || "ta" + ++kehuTypeaheadSeq;
  var list = o.list;
  if (!list) {
    list = document.createElement("ul");
    list.hidden = true;
    input.parentNode.insertBefore(list, input.nextSibling);
  }
  if (!list.id) list.id = id + "-list";
  list.setAttribute("role", "listbox");
  list.classList.add("ta-list");
  input.setAttribute("role", "combobox");
  input.setAttribute("autocomplete", "off");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  var timer = null, seq = 0, items = [], active = -1;

  function close() {
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function line(text, cls) {
    list.textContent = "";
    var li = document.createElement("li");
    li.className = cls;
    li.setAttribute("aria-disabled", "true");
    li.textContent = text || "";
    list.appendChild(li);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function show(found) {
    items = found || [];
    active = -1;
    if (!items.length) return line(o.none, "ta-none");
    list.textContent = "";
    items.forEach(function (item, i) {
      var r = o.render(item);
      var li = document.createElement("li");
      li.id = id + "-o" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      if (r.className) li.className = r.className;
      if (r.data) Object.keys(r.data).forEach(function (k) { li.dataset[k] = r.data[k]; });
      var text = document.createElement("span");
      text.textContent = r.text;
      li.appendChild(text);
      if (r.meta) {
        var meta = document.createElement("small");
        meta.textContent = r.meta;
        if (r.metaFirst) li.insertBefore(meta, text);
        else li.appendChild(meta);
      }
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault(); // keep the focus in the box
        choose(i);
      });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function highlight(i) {
    var opts = list.querySelectorAll('[role="option"]');
    if (!opts.length) return;
    active = (i + opts.length) % opts.length;
    opts.forEach(function (op, k) { op.setAttribute("aria-selected", k === active ? "true" : "false"); });
    opts[active].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", opts[active].id);
  }

  function choose(i) {
    var item = items[i];
    if (item === undefined) return;
    close();
    o.pick(item);
  }

  function search() {
    var q = input.value.trim();
    if (!q && !o.onFocus) return close();
    var mine = ++seq;
    Promise.resolve(o.search(q))
      .then(function (found) { if (mine === seq) show(found); }) // else typed on meanwhile
      .catch(function () { if (mine === seq) line(o.failed, "ta-none"); });
  }

  input.addEventListener("input", function () {
    if (o.typed) o.typed();
    clearTimeout(timer);
    timer = setTimeout(search, o.delay || 150);
  });
  if (o.onFocus) input.addEventListener("focus", function () { input.select(); search(); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") return close();
    if (list.hidden || !list.querySelector('[role="option"]')) return;
    if (ev.key === "ArrowDown") { ev.preventDefault(); highlight(active + 1); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(active < 0 ? -1 : active - 1); }
    else if (ev.key === "Enter" && (active >= 0 || o.enterPicksFirst !== false)) {
      ev.preventDefault(); // pick, do not send the form
      choose(Math.max(active, 0));
    }
  });
  input.addEventListener("blur", function () {
    setTimeout(function () {
      close();
      if (o.left) o.left();
    }, 150);
  });
  return { close: close, search: search, list: list };
}
