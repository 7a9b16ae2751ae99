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
