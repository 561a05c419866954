// The service-order registration form: the customer is found by the
// customer list's own search (GET /api/v1/customers?q=, by name, pinyin,
// code, USCC, contact or phone) as one types, and choosing one fills in
// its address and its primary contact's phone (masked: the server reads
// the full number from the contact, audited). Without scripts the typed
// text is searched on submit. Loaded as a file, as the CSP requires.
"use strict";

(function () {
  function setup() {
    var box = document.querySelector("[data-customer-search]");
    if (!box) return;
    var form = box.closest("form");
    var q = box.querySelector('input[name="customer_q"]');
    var id = box.querySelector('input[name="customer_id"]');
    var list = box.querySelector('[role="listbox"]');
    var address = form.querySelector('input[name="address"]');
    var phone = form.querySelector('input[name="phone"]');
    var contact = form.querySelector('input[name="contact_id"]');
    var masked = form.querySelector('input[name="phone_masked"]');
    var hint = document.getElementById("phone-hint");
    var who = document.getElementById("phone-contact");
    var timer = null, seq = 0, items = [], active = -1;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      q.setAttribute("aria-expanded", "false");
      q.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function note(text) {
      list.innerHTML = "";
      var li = document.createElement("li");
      li.className = "none";
      li.textContent = text;
      list.appendChild(li);
      list.hidden = false;
    }

    function show(found) {
      items = found;
      list.innerHTML = "";
      active = -1;
      if (!found.length) {
        note(box.dataset.none || "");
        return;
      }
      found.forEach(function (c, i) {
        var li = document.createElement("li");
        li.id = "customer-option-" + c.id;
        li.setAttribute("role", "option");
        li.dataset.customer = c.id;
        var name = document.createElement("strong");
        name.textContent = c.name;
        var meta = document.createElement("small");
        meta.textContent = c.code + (c.address ? " · " + c.address : "");
        li.appendChild(name);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(meta);
        li.addEventListener("mousedown", function (ev) {
          ev.preventDefault(); // keep the focus in the search box
          choose(i);
        });
        list.appendChild(li);
      });
      list.hidden = false;
      q.setAttribute("aria-expanded", "true");
    }

    function highlight(i) {
      var opts = list.querySelectorAll('[role="option"]');
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      q.setAttribute("aria-activedescendant", opts[active].id);
    }

    function choose(i) {
      var c = items[i];
      if (!c) return;
      id.value = c.id;
      q.value = c.code + " " + c.name;
      if (c.address) address.value = c.address;
      close();
      fillContact(c.id);
    }

    function fillContact(customerID) {
      fetch("/api/v1/customers/" + customerID + "/contacts", { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
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

    function search() {
      var text = q.value.trim();
      if (!text) {
        close();
        return;
      }
      var mine = ++seq;
      fetch("/api/v1/customers?limit=8&q=" + encodeURIComponent(text), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error(String(r.status));
          return r.json();
        })
        .then(function (page) { if (mine === seq) show(page.items || []); })
        .catch(function () { if (mine === seq) note(box.dataset.failed || ""); });
    }

    q.addEventListener("input", function () {
      id.value = ""; // typing again forgets the customer chosen
      contact.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    q.addEventListener("keydown", function (ev) {
      if (list.hidden) return;
      if (ev.key === "ArrowDown") { ev.preventDefault(); highlight(active + 1); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(active - 1); }
      else if (ev.key === "Enter" && active >= 0) { ev.preventDefault(); choose(active); }
      else if (ev.key === "Escape") { close(); }
    });
    q.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.addEventListener("DOMContentLoaded", setup);
})();
