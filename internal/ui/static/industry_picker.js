// Kehu industry picker: a searchable two-level list of GB/T 4754
// sections (门类) and their divisions (大类). It enhances
//
//   <select name="industry_code" data-industry-picker data-search-label="…">
//     <optgroup label="C 制造业"><option value="C">…</option><option value="13">…</option>…
//
// Without JavaScript the select works as it is; with it, the select is
// hidden and keeps the chosen code, and a box above it finds a section or
// division by code, 汉字 or pinyin (GET /api/v1/industries?q=).
"use strict";

(function () {
  var seq = 0;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      e.setAttribute(k, attrs[k]);
    });
    if (text != null) e.textContent = text;
    return e;
  }

  function Picker(select) {
    var self = this, t = select.dataset;
    this.select = select;
    this.texts = t;
    this.id = "ip" + ++seq;
    this.cache = {};
    var wrap = el("div", { class: "industry-picker" });
    this.box = el("input", {
      type: "search", id: this.id + "-q", autocomplete: "off", role: "combobox", "aria-expanded": "false",
      "aria-autocomplete": "list", "aria-controls": this.id + "-list", placeholder: t.searchLabel || "",
      "data-industry-search": "",
    });
    this.list = el("ul", { id: this.id + "-list", role: "listbox", class: "ip-list", hidden: "" });
    wrap.appendChild(this.box);
    wrap.appendChild(this.list);
    select.parentNode.insertBefore(wrap, select);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) label.setAttribute("for", this.box.id);
    else this.box.setAttribute("aria-label", t.searchLabel || "");
    this.showChosen();

    var timer = null;
    this.box.addEventListener("focus", function () {
      self.box.select();
      self.find("");
    });
    this.box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        self.find(self.box.value.trim());
      }, 150);
    });
    this.box.addEventListener("keydown", function (ev) {
      self.key(ev);
    });
    this.box.addEventListener("blur", function () {
      setTimeout(function () {
        self.close();
        self.showChosen();
      }, 150);
    });
  }

  // showChosen writes the chosen option's words into the box.
  Picker.prototype.showChosen = function () {
    var o = this.select.selectedOptions[0];
    this.box.value = o && o.value ? o.textContent.trim() : "";
    this.box.dataset.value = o ? o.value : "";
  };

  Picker.prototype.find = function (q) {
    var self = this;
    this.pending = q;
    var got = this.cache[q]
      ? Promise.resolve(this.cache[q])
      : fetch("/api/v1/industries" + (q ? "?q=" + encodeURIComponent(q) : ""), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        }).then(function (r) {
          if (!r.ok) throw new Error("industries: " + r.status);
          return r.json();
        });
    got.then(function (d) {
      self.cache[q] = d;
      if (self.pending === q) self.show(d.items); // else typed on meanwhile
    });
  };

  Picker.prototype.option = function (code, text, cls, i) {
    var self = this;
    var li = el("li", { role: "option", id: this.id + "-o" + i, "data-code": code, class: cls, "aria-selected": "false" });
    li.appendChild(el("small", {}, code));
    li.appendChild(el("span", {}, text));
    li.addEventListener("mousedown", function (ev) {
      ev.preventDefault();
      self.pick(code);
    });
    return li;
  };

  Picker.prototype.show = function (items) {
    var self = this, n = 0, en = document.documentElement.lang === "en";
    this.list.textContent = "";
    this.active = -1;
    if (!items.length) this.list.appendChild(el("li", { class: "ip-none", "aria-disabled": "true" }, this.texts.none || ""));
    items.forEach(function (s) {
      self.list.appendChild(self.option(s.code, en && s.name_en ? s.name_en : s.name, "ip-section", n++));
      (s.divisions || []).forEach(function (d) {
        self.list.appendChild(self.option(d.code, d.name, "ip-division", n++));
      });
    });
    this.list.hidden = false;
    this.box.setAttribute("aria-expanded", "true");
  };

  Picker.prototype.close = function () {
    this.list.hidden = true;
    this.box.setAttribute("aria-expanded", "false");
    this.box.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.key = function (ev) {
    var opts = this.list.querySelectorAll("[role=option]");
    if (ev.key === "Escape") {
      this.close();
      return;
    }
    if (this.list.hidden || !opts.length) return;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      this.active = (this.active + (ev.key === "ArrowDown" ? 1 : opts.length - 1)) % opts.length;
      if (this.active < 0) this.active = 0;
      opts.forEach(function (o, i) {
        o.setAttribute("aria-selected", i === this.active ? "true" : "false");
      }, this);
      opts[this.active].scrollIntoView({ block: "nearest" });
      this.box.setAttribute("aria-activedescendant", opts[this.active].id);
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      this.pick(opts[Math.max(this.active, 0)].dataset.code);
    }
  };

  // pick chooses a code; an empty box clears the choice when it loses focus.
  Picker.prototype.pick = function (code) {
    this.select.value = code;
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
    this.close();
    this.showChosen();
  };

  function start() {
    document.querySelectorAll("select[data-industry-picker]").forEach(function (s) {
      if (!s.dataset.ready) {
        s.dataset.ready = "1";
        var p = new Picker(s);
        // Clearing the box clears the choice.
        p.box.addEventListener("change", function () {
          if (p.box.value.trim() === "") p.pick("");
        });
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
