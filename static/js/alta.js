// alta: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so screen readers announce it.
    var summary = document.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
    // Prevent a double click from sending a form twice (the server also refuses duplicates).
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.submitted) { event.preventDefault(); return; }
        form.dataset.submitted = "1";
      });
    });
    // Ask before destructive actions.
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
    // Character counts for long text fields.
    document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
      var note = document.createElement("div");
      note.className = "field__hint";
      note.setAttribute("aria-live", "polite");
      var update = function () { note.textContent = area.value.length + " / " + area.getAttribute("maxlength"); };
      area.insertAdjacentElement("afterend", note);
      area.addEventListener("input", update);
      update();
    });
  });
})();
