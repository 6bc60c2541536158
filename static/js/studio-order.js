// The studio outline's drag and drop: modules and items are dragged into a new order,
// which is posted (with the CSRF token) as one revision. It only adds to the "Move up" and
// "Move down" buttons, which keep working by keyboard and without JavaScript.
(function () {
  "use strict";
  var outline = document.querySelector(".studio-outline[data-order-url]");
  if (!outline || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("order-status");
  var hint = document.getElementById("order-hint");
  var token = document.querySelector("input[name=csrf_token]");
  var dragged = null;
  var before = "";
  if (hint) { hint.hidden = false; }

  function kind(element) { return element.hasAttribute("data-item") ? "item" : "module"; }

  function order() {
    return Array.prototype.map.call(outline.querySelectorAll("li[data-module]"), function (module) {
      return [module.dataset.module, Array.prototype.map.call(
        module.querySelectorAll("li[data-item]"), function (item) { return item.dataset.item; })];
    });
  }

  function tell(message) { if (status) { status.textContent = message; } }

  function save() {
    var data = new FormData();
    data.append("csrf_token", token ? token.value : "");
    data.append("base", outline.dataset.base);
    data.append("order", JSON.stringify(order()));
    fetch(outline.dataset.orderUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        tell(answer.message);
        if (answer.base) {  // the buttons' forms start from the new revision
          outline.dataset.base = answer.base;
          document.querySelectorAll("input[name=base]").forEach(function (input) { input.value = answer.base; });
        }
      })
      .catch(function () { tell(outline.dataset.failed); });
  }

  outline.querySelectorAll("li[data-module], li[data-item]").forEach(function (entry) {
    entry.draggable = true;
    entry.addEventListener("dragstart", function (event) {
      event.stopPropagation();  // an item's drag is not its module's
      dragged = entry;
      before = JSON.stringify(order());
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", entry.dataset.item || entry.dataset.module);
      entry.classList.add("dragging");
    });
    entry.addEventListener("dragover", function (event) {
      if (!dragged || dragged === entry || kind(dragged) !== kind(entry) || dragged.contains(entry)) { return; }
      event.preventDefault();
      event.stopPropagation();
      var box = entry.getBoundingClientRect();
      entry.parentNode.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? entry.nextSibling : entry);
    });
    entry.addEventListener("drop", function (event) { event.preventDefault(); event.stopPropagation(); });
    entry.addEventListener("dragend", function (event) {
      event.stopPropagation();
      entry.classList.remove("dragging");
      dragged = null;
      if (JSON.stringify(order()) !== before) { save(); }
    });
  });
})();
