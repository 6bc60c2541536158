// The studio's lesson editor with JavaScript: the Markdown text in a CodeMirror editor
// (syntax highlighting; Escape then Tab leaves it, as on the exercise page) in place of
// the textarea, which it keeps up to date, so the form posts the same field; and a live
// preview, rendered on the server by the same sanitising renderer learners get, shown
// below a moment after typing stops. Without JavaScript the textarea and Save work as they are.
(function () {
  "use strict";
  var target = document.getElementById("studio-preview");
  var body = document.getElementById("body");
  if (!target || !body || !window.fetch || !window.FormData) { return; }
  var token = document.querySelector("input[name=csrf_token]");
  var timer = null;
  var asked = 0;
  function refresh() {
    var data = new FormData();
    var number = ++asked;
    data.append("body", body.value);
    if (token) { data.append("csrf_token", token.value); }
    fetch(target.dataset.url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        // An answer to an older text that arrives late must not replace a newer one.
        if (html !== null && number === asked) { target.innerHTML = html; }
      })
      .catch(function () { /* the preview stays as it was; saving still works */ });
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }
  if (window.LMSCodeEditor) {
    var label = document.querySelector("label[for=body]");
    var help = document.querySelector("[data-editor-help]");
    var described = ["body-help", "body-error"].filter(function (id) { return document.getElementById(id); });
    if (help) { help.hidden = false; described.unshift(help.id); }
    window.LMSCodeEditor.create(body, {
      language: "markdown",
      label: label ? label.textContent.trim() : "Markdown",
      describedBy: described.join(" "),
      onChange: later,
    });
  }
  body.addEventListener("input", later);
  refresh();
})();
