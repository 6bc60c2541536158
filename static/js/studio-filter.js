// A filter box for a long list of choices (the frameworks' competences): typing part of a
// name hides the options that do not contain it. Chosen options always stay visible. The
// list works without this script; the box is shown only when the script runs.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  document.querySelectorAll("input[data-filters]").forEach(function (box) {
    var list = document.getElementById(box.dataset.filters);
    if (!list) { return; }
    var wrapper = box.closest("[hidden]");
    if (wrapper) { wrapper.hidden = false; }
    box.addEventListener("input", function () {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(list.options, function (option) {
        var name = fold(option.textContent);
        option.hidden = !option.selected && !words.every(function (word) { return name.indexOf(word) !== -1; });
      });
    });
  });
})();
