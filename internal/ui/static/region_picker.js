// Kehu region picker: a 省/市/区 cascade with a search box that finds a
// region by 汉字, pinyin (full or initials) or code. It enhances
//
//   <div data-region-picker data-chain='[{"code":…,"name":…},…]' …>
//     <input name="region_code" value="440106">
//   </div>
//
// Without JavaScript the plain input takes the code; with it, the input
// becomes hidden and keeps the code of the deepest region chosen, which is
// what the form or filter sends. Texts come from the element's data-*
// attributes (the page's language); regions from GET /api/v1/regions.
"use strict";

(function () {
  var LEVELS = ["province", "city", "county"];
  var seq = 0;

  var getJSON = kehuGetJSON; // typeahead.js

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      e.setAttribute(k, attrs[k]);
    });
    if (text != null) e.textContent = text;
    return e;
  }

  function Picker(root) {
    this.root = root;
    this.input = root.querySelector("input[name]");
    if (!this.input) return;
    this.id = "rp" + ++seq;
    this.texts = root.dataset;
    this.chain = [];
    try {
      this.chain = JSON.parse(root.dataset.chain || "[]") || [];
    } catch (e) {
      this.chain = [];
    }
    this.build();
    var self = this;
    // The code hint is for typing codes, which the picker spares.
    if (this.name && !this.chain.length) this.name.textContent = this.name.dataset.empty || "";
    this.load(0, "").then(function () {
      // An unknown code as typed stays until a region is chosen.
      if (self.chain.length) return self.restore(self.chain);
    });
  }

  Picker.prototype.build = function () {
    var self = this, t = this.texts;
    var label = this.input.id ? document.querySelector('label[for="' + this.input.id + '"]') : null;
    this.input.type = "hidden";
    this.root.classList.add("region-picker-on");

    var box = el("div", { class: "rp-search" });
    this.search = el("input", {
      type: "search", id: this.id + "-q", placeholder: t.searchLabel || "",
      "aria-label": t.searchLabel || "", "data-region-search": "",
    });
    box.appendChild(this.search);
    this.root.appendChild(box);
    if (label) label.setAttribute("for", this.search.id);
    this.typeahead = kehuTypeahead(this.search, {
      none: t.none, failed: t.failed || t.none,
      search: function (q) {
        return getJSON("/api/v1/regions?limit=12&q=" + encodeURIComponent(q)).then(function (d) { return d.items; });
      },
      render: function (r) { return { text: english(r.full_name || r.name, r.full_name_en), meta: r.code, data: { code: r.code } }; },
      pick: function (r) { self.pick(r.code); },
    });
    this.list = this.typeahead.list;
    this.list.classList.add("rp-list");

    var row = el("div", { class: "rp-selects" });
    this.selects = LEVELS.map(function (level, i) {
      var s = el("select", { "aria-label": t[level] || level, "data-level": level, disabled: "" });
      s.appendChild(el("option", { value: "" }, t[level] || level));
      s.addEventListener("change", function () {
        self.chose(i);
      });
      row.appendChild(s);
      return s;
    });
    this.clear = el("button", { type: "button", class: "secondary outline rp-clear", "data-region-clear": "" }, t.clear || "×");
    this.clear.addEventListener("click", function () {
      self.selects[0].value = "";
      self.chose(0);
      self.search.value = "";
    });
    row.appendChild(this.clear);
    this.root.appendChild(row);
    this.name = this.root.parentNode.querySelector("[data-region-name]");
  };

  // english adds a region's pinyin beside its Chinese name on English
  // pages (苏州市 Suzhou), as the server-rendered pages do.
  function english(name, en) {
    return document.documentElement.lang === "en" && en ? name + " " + en : name;
  }

  // load fills the select of level i with the regions under parent.
  Picker.prototype.load = function (i, parent) {
    var s = this.selects[i], t = this.texts;
    var url = "/api/v1/regions" + (parent ? "?parent=" + encodeURIComponent(parent) : "");
    return getJSON(url).then(function (d) {
      while (s.options.length > 1) s.remove(1);
      d.items.forEach(function (r) {
        var o = el("option", { value: r.code }, english(r.name, r.name_en));
        o.dataset.leaf = r.leaf ? "1" : "";
        o.dataset.full = english(r.full_name, r.full_name_en);
        s.appendChild(o);
      });
      s.disabled = d.items.length === 0;
      return d.items;
    });
  };

  // restore selects a chain of regions, level by level.
  Picker.prototype.restore = function (chain) {
    var self = this;
    var step = function (i) {
      if (i >= chain.length || i >= self.selects.length) return Promise.resolve();
      self.selects[i].value = chain[i].code;
      var o = self.selects[i].selectedOptions[0];
      if (!o || !o.value || o.dataset.leaf || i + 1 >= self.selects.length) return Promise.resolve();
      return self.load(i + 1, chain[i].code).then(function () {
        return step(i + 1);
      });
    };
    this.reset(0);
    return step(0).then(function () {
      self.sync();
    });
  };

  // reset empties and disables the selects below level i.
  Picker.prototype.reset = function (i) {
    for (var j = i + 1; j < this.selects.length; j++) {
      var s = this.selects[j];
      while (s.options.length > 1) s.remove(1);
      s.value = "";
      s.disabled = true;
    }
  };

  // chose reacts to a choice at level i: the deeper lists follow it.
  Picker.prototype.chose = function (i) {
    var s = this.selects[i];
    this.reset(i);
    var o = s.selectedOptions[0];
    if (o && o.value && !o.dataset.leaf && i + 1 < this.selects.length) {
      this.load(i + 1, o.value);
    }
    this.sync();
  };

  // sync writes the deepest chosen code into the form's input.
  Picker.prototype.sync = function () {
    var code = "", full = "";
    this.selects.forEach(function (s) {
      var o = s.selectedOptions[0];
      if (o && o.value) {
        code = o.value;
        full = o.dataset.full || full;
      }
    });
    this.input.value = code;
    this.root.dataset.value = code;
    if (this.name) this.name.textContent = full || this.name.dataset.empty || "";
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
  };

  // pick selects a found region and the regions above it.
  Picker.prototype.pick = function (code) {
    var self = this;
    getJSON("/api/v1/regions?code=" + encodeURIComponent(code)).then(function (d) {
      self.search.value = "";
      return self.restore(d.items);
    });
  };

  function start() {
    document.querySelectorAll("[data-region-picker]").forEach(function (root) {
      if (!root.dataset.ready) {
        root.dataset.ready = "1";
        new Picker(root);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
