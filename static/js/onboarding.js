// The join wizard: hide the organisation's questions while "a person" is chosen. Works without it too.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var block = document.querySelector("[data-show-when-kind]");
    if (!block) { return; }
    var radios = document.querySelectorAll("input[name='kind']");
    var update = function () {
      var chosen = document.querySelector("input[name='kind']:checked");
      block.hidden = !chosen || chosen.value !== block.getAttribute("data-show-when-kind");
    };
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  });
})();
