// "Print" buttons (the join sheet, my competences): the page's own print dialog. A file,
// not an onclick attribute: the Content-Security-Policy runs no inline script.
(function () {
  "use strict";
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
