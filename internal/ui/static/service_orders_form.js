// The service-order registration form: the customer is found by the
// customer list's own search (GET /api/v1/customers?q=, by name, pinyin,
// code, USCC, contact or phone) in the shared type-ahead box
// (typeahead.js), and choosing one fills in its address and its primary
// contact's phone (masked: the server reads the full number from the
// contact, audited). Without scripts the typed text is searched on
// submit. Loaded as a file, as the CSP requires.
"use strict";

(function () {
  function setup() {
    var box = document.querySelector("[data-customer-search]");
    if (!box) return;
    var form = box.closest("form");
    var q = box.querySelector('input[name="customer_q"]');
    var id = box.querySelector('input[name="customer_id"]');
    var address = form.querySelector('input[name="address"]');
    var phone = form.querySelector('input[name="phone"]');
    var contact = form.querySelector('input[name="contact_id"]');
    var masked = form.querySelector('input[name="phone_masked"]');
    var hint = document.getElementById("phone-hint");
    var who = document.getElementById("phone-contact");

    function fillContact(customerID) {
      kehuGetJSON("/api/v1/customers/" + customerID + "/contacts")
        .then(function (page) {
          var all = page.items || [];
          var best = all.filter(function (c) { return c.is_primary && (c.mobile || c.landline); })[0] ||
            all.filter(function (c) { return c.mobile || c.landline; })[0];
          if (!best || String(id.value) !== String(customerID)) return;
          phone.value = best.mobile || best.landline;
          contact.value = best.id;
          masked.value = phone.value;
          if (hint && who) {
            who.textContent = best.name;
            hint.hidden = false;
          }
        })
        .catch(function () {});
    }

    kehuTypeahead(q, {
      list: box.querySelector('[role="listbox"]'),
      delay: 200,
      enterPicksFirst: false, // Enter with nothing highlighted searches on submit
      none: box.dataset.none, failed: box.dataset.failed,
      search: function (text) {
        return kehuGetJSON("/api/v1/customers?limit=8&q=" + encodeURIComponent(text)).then(function (page) { return page.items || []; });
      },
      render: function (c) {
        return { text: c.name, meta: c.code + (c.address ? " · " + c.address : ""), data: { customer: c.id } };
      },
      typed: function () {
        id.value = ""; // typing again forgets the customer chosen
        contact.value = "";
      },
      pick: function (c) {
        id.value = c.id;
        q.value = c.code + " " + c.name;
        if (c.address) address.value = c.address;
        fillContact(c.id);
      },
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
