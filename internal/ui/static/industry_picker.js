// Kehu industry picker: a searchable two-level list of GB/T 4754
// sections (门类) and their divisions (大类). It enhances
//
//   <select name="industry_code" data-industry-picker data-search-label="…">
//     <optgroup label="C 制造业"><option value="C">…</option><option value="13">…</option>…
//
// Without JavaScript the select works as it is; with it, the select is
// hidden and keeps the chosen code, and a type-ahead box (typeahead.js)
// above it finds a section or division by code, 汉字 or pinyin
// (GET /api/v1/industries?q=).
"use strict";

(function () {
  var seq = 0;

  function Picker(select) {
    var self = this, t = select.dataset, cache = {};
    var en = document.documentElement.lang === "en";
    this.select = select;
    var wrap = document.createElement("div");
    wrap.className = "industry-picker";
    this.box = document.createElement("input");
    this.box.type = "search";
    this.box.id = "ip" + ++seq + "-q";
    this.box.placeholder = t.searchLabel || "";
    this.box.dataset.industrySearch = "";
    wrap.appendChild(this.box);
    select.parentNode.insertBefore(wrap, select);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) label.setAttribute("for", this.box.id);
    else this.box.setAttribute("aria-label", t.searchLabel || "");
    this.showChosen();

    this.typeahead = kehuTypeahead(this.box, {
      onFocus: true, none: t.none, failed: t.failed || t.none,
      search: function (q) {
        if (cache[q]) return cache[q];
        cache[q] = kehuGetJSON("/api/v1/industries" + (q ? "?q=" + encodeURIComponent(q) : "")).then(function (d) {
          // Sections, each followed by its divisions, as one list.
          var rows = [];
          d.items.forEach(function (s) {
            rows.push({ code: s.code, name: en && s.name_en ? s.name_en : s.name, cls: "ip-section" });
            (s.divisions || []).forEach(function (v) {
              rows.push({ code: v.code, name: en && v.name_en ? v.name_en : v.name, cls: "ip-division" });
            });
          });
          return rows;
        });
        cache[q].catch(function () { delete cache[q]; });
        return cache[q];
      },
      render: function (r) { return { text: r.name, meta: r.code, metaFirst: true, className: r.cls, data: { code: r.code } }; },
      pick: function (r) { self.pick(r.code); },
      left: function () {
        // Clearing the box clears the choice; else it shows the choice again.
        if (self.box.value.trim() === "") self.pick("");
        else self.showChosen();
      },
    });
    this.list = this.typeahead.list;
    this.list.classList.add("ip-list");
  }

  // showChosen writes the chosen option's words into the box.
  Picker.prototype.showChosen = function () {
    var o = this.select.selectedOptions[0];
    this.box.value = o && o.value ? o.textContent.trim() : "";
    this.box.dataset.value = o ? o.value : "";
  };

  // pick chooses a code.
  Picker.prototype.pick = function (code) {
    if (this.select.value !== code) {
      this.select.value = code;
      this.select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    this.showChosen();
  };

  function start() {
    document.querySelectorAll("select[data-industry-picker]").forEach(function (s) {
      if (!s.dataset.ready) {
        s.dataset.ready = "1";
        new Picker(s);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
