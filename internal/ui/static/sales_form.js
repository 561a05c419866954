// The sales entry form: the customer is found by the customer list's own
// search (GET /api/v1/customers?q=, by name, pinyin, code, USCC or phone)
// in the shared type-ahead box (typeahead.js), as on the service-order
// form. Without scripts the typed text is looked up on submit, and a text
// that finds several customers is refused with that reason. Loaded as a
// file, as the CSP requires.
"use strict";

(function () {
  function setup() {
    var box = document.querySelector("[data-sale-customer]");
    if (!box) return;
    var q = box.querySelector('input[name="customer_q"]');
    var id = box.querySelector('input[name="customer_id"]');
    kehuTypeahead(q, {
      list: box.querySelector('[role="listbox"]'),
      delay: 200,
      enterPicksFirst: false,
      none: box.dataset.none, failed: box.dataset.failed,
      search: function (text) {
        return kehuGetJSON("/api/v1/customers?limit=8&q=" + encodeURIComponent(text)).then(function (page) { return page.items || []; });
      },
      render: function (c) {
        return { text: c.name, meta: c.code + (c.region_name ? " · " + c.region_name : ""), data: { customer: c.id } };
      },
      typed: function () {
        id.value = ""; // typing again forgets the customer chosen
      },
      pick: function (c) {
        id.value = c.id;
        q.value = c.code + " " + c.name;
      },
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
