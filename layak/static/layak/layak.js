// Layak's small behaviours. No inline scripts anywhere, so a strict content security policy holds.
(function () {
  "use strict";

  // The menu folds behind a button at phone width (layak.css); only with this script running.
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".menu-toggle");
    if (!toggle) return;
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // Region picker: a search box (htmx) whose results set a hidden input.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-value]");
    if (!button) return;
    event.preventDefault();
    var picker = button.closest(".picker");
    picker.querySelector("input[type=hidden]").value = button.dataset.pickValue;
    picker.querySelector(".picker-selected").textContent = button.dataset.pickLabel;
    picker.querySelector(".picker-results").innerHTML = "";
    var search = picker.querySelector("input[type=search]");
    search.value = "";
    search.focus();
  });

  // An answer the server refused is still only in the form (shown with its message beside
  // it): leaving the page asks first, so what was typed is not lost unnoticed.
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector(".answer [data-testid=field-error]")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Buttons that need a confirmation before their form is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
