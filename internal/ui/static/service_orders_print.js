// The service voucher's print button (no inline scripts under the CSP).
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var b = document.getElementById("print-voucher");
  if (b) b.addEventListener("click", function () { window.print(); });
});
