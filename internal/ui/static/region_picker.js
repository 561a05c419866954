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

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("regions: " + r.status);
      return r.json();
    });
  }

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
      type: "search", id: this.id + "-q", autocomplete: "off", role: "combobox", "aria-expanded": "false",
      "aria-autocomplete": "list", "aria-controls": this.id + "-list", placeholder: t.searchLabel || "",
      "aria-label": t.searchLabel || "", "data-region-search": "",
    });
    this.list = el("ul", { id: this.id + "-list", role: "listbox", class: "rp-list", hidden: "" });
    box.appendChild(this.search);
    box.appendChild(this.list);
    this.root.appendChild(box);
    if (label) label.setAttribute("for", this.search.id);

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

    var timer = null;
    this.search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        self.find(self.search.value.trim());
      }, 150);
    });
    this.search.addEventListener("keydown", function (ev) {
      self.key(ev);
    });
    this.search.addEventListener("blur", function () {
      setTimeout(function () {
        self.close();
      }, 150);
    });
  };

  // load fills the select of level i with the regions under parent.
  Picker.prototype.load = function (i, parent) {
    var s = this.selects[i], t = this.texts;
    var url = "/api/v1/regions" + (parent ? "?parent=" + encodeURIComponent(parent) : "");
    return getJSON(url).then(function (d) {
      while (s.options.length > 1) s.remove(1);
      d.items.forEach(function (r) {
        var o = el("option", { value: r.code }, r.name);
        o.dataset.leaf = r.leaf ? "1" : "";
        o.dataset.full = r.full_name;
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

  Picker.prototype.find = function (q) {
    var self = this;
    if (!q) return this.close();
    getJSON("/api/v1/regions?limit=12&q=" + encodeURIComponent(q)).then(function (d) {
      if (self.search.value.trim() !== q) return; // typed on meanwhile
      self.show(d.items);
    });
  };

  Picker.prototype.show = function (items) {
    var self = this;
    this.list.textContent = "";
    this.active = -1;
    if (!items.length) {
      this.list.appendChild(el("li", { class: "rp-none", "aria-disabled": "true" }, this.texts.none || ""));
    }
    items.forEach(function (r, i) {
      var li = el("li", { role: "option", id: self.id + "-o" + i, "data-code": r.code, "aria-selected": "false" });
      li.appendChild(el("span", {}, r.full_name || r.name));
      li.appendChild(el("small", {}, r.code));
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault(); // keep the focus in the box
        self.pick(r.code);
      });
      self.list.appendChild(li);
    });
    this.list.hidden = false;
    this.search.setAttribute("aria-expanded", "true");
  };

  Picker.prototype.close = function () {
    this.list.hidden = true;
    this.search.setAttribute("aria-expanded", "false");
    this.search.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.key = function (ev) {
    var opts = this.list.querySelectorAll("[role=option]");
    if (ev.key === "Escape") return this.close();
    if (this.list.hidden || !opts.length) return;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      this.active = (this.active + (ev.key === "ArrowDown" ? 1 : opts.length - 1)) % opts.length;
      if (this.active < 0) this.active = 0;
      opts.forEach(function (o, i) {
        o.setAttribute("aria-selected", i === this.active ? "true" : "false");
      }, this);
      this.search.setAttribute("aria-activedescendant", opts[this.active].id);
    } else if (ev.key === "Enter") {
      ev.preventDefault(); // pick, do not send the form
      this.pick(opts[Math.max(this.active, 0)].dataset.code);
    }
  };

  // pick selects a found region and the regions above it.
  Picker.prototype.pick = function (code) {
    var self = this;
    this.close();
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
