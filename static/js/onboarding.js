// The join wizard: questions that only matter after a choice (an organisation's details, a conversation's
// language and time) are hidden until that choice is made. Without JavaScript every question shows.
// A block names the radio group and the value that reveals it: data-show-when="kind=organisation".
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-show-when]").forEach(function (block) {
      var rule = block.getAttribute("data-show-when").split("=");
      var name = rule[0], value = rule[1];
      var radios = document.querySelectorAll("input[name='" + name + "']");
      if (!radios.length) { return; }
      var update = function () {
        var chosen = document.querySelector("input[name='" + name + "']:checked");
        block.hidden = !chosen || chosen.value !== value;
      };
      radios.forEach(function (radio) { radio.addEventListener("change", update); });
      update();
    });
  });
})();

// Switching language is a link (a new page): what was typed on the form would be lost. Keep it in this tab's
// sessionStorage for the one page load that follows, and put it back. Never the CSRF token, the form's
// timestamp, the honeypot or a password; without JavaScript the link still works, only without this.
(function () {
  "use strict";
  var KEY = "alta-typed:" + location.pathname;
  var SKIP = ["csrf_token", "started", "website"];
  var keep = function (el) { return el.name && SKIP.indexOf(el.name) < 0 && el.type !== "password" &&
                                    el.type !== "hidden" && el.type !== "submit"; };
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("main form[method=post]");
    if (!form) { return; }
    var saved = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    if (saved) {
      var values = JSON.parse(saved);
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!keep(el) || !(el.name in values)) { return; }
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = values[el.name].indexOf(el.value) >= 0;
          el.dispatchEvent(new Event("change"));
        } else {
          el.value = values[el.name][0];
        }
      });
    }
    document.querySelectorAll("a.lang-switch, footer a[hreflang], footer a[lang]").forEach(function (link) {
      link.addEventListener("click", function () {
        var values = {};
        Array.prototype.forEach.call(form.elements, function (el) {
          if (!keep(el)) { return; }
          values[el.name] = values[el.name] || [];
          if ((el.type !== "checkbox" && el.type !== "radio") || el.checked) { values[el.name].push(el.value); }
        });
        sessionStorage.setItem(KEY, JSON.stringify(values));
      });
    });
  });
})();
