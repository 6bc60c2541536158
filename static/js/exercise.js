// The exercise page with JavaScript: a real code editor in place of the textarea, and
// Run / Submit / Reset sent with fetch() so the results appear without a reload. Without
// JavaScript the same form posts and the server renders the page.
(function () {
  "use strict";
  var form = document.getElementById("exercise-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var textarea = form.querySelector("textarea[name=code]");
  var status = document.getElementById("exercise-status");
  var editor = null;
  if (window.LMSCodeEditor) {
    var label = form.querySelector("label[for=code]");
    editor = window.LMSCodeEditor.create(textarea, {
      jsx: form.dataset.language === "react",
      label: label ? label.textContent.trim() : "Code",
      describedBy: "editor-help code-size",
    });
    var help = form.querySelector("[data-editor-help]");
    if (help) { help.hidden = false; }
  }

  function code() { return editor ? editor.getValue() : textarea.value; }

  function progressTo(percent) {
    document.querySelectorAll(".progress progress").forEach(function (bar) {
      bar.value = percent;
      bar.textContent = percent + "%";
    });
    document.querySelectorAll(".progress .progress-text").forEach(function (text) {
      text.textContent = text.textContent.replace(/\d+/, String(percent));
    });
  }

  function markDone() {
    var current = document.querySelector(".course-nav li.current");
    if (current && !current.classList.contains("done")) { current.classList.add("done"); }
  }

  function send(url, body) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" },
    });
  }

  var buttons = form.querySelectorAll("button[type=submit]");
  function busy(on) {
    buttons.forEach(function (button) { button.disabled = on; });
    form.setAttribute("aria-busy", on ? "true" : "false");
    status.textContent = on ? form.dataset.busy : "";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = event.submitter || buttons[0];
    var url = button.getAttribute("formaction") || form.action;
    var body = new FormData(form);
    body.set("code", code());
    busy(true);
    send(url, body).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      busy(false);
      var data = answer.data;
      var results = document.getElementById("results");
      if (data.html) {
        results.outerHTML = data.html;
      } else {
        // An error page in JSON (too many attempts, expired form): say what it says.
        var live = document.getElementById("results-live");
        live.innerHTML = "";
        var alert = document.createElement("p");
        alert.className = "alert alert-error";
        alert.setAttribute("role", "alert");
        alert.textContent = data.message || data.error || form.dataset.failed;
        live.appendChild(alert);
      }
      if (editor) {
        var bad = data.status === "syntax_error" || data.status === "error";
        editor.markError(bad ? data.line : null, bad ? document.querySelector("#results [data-status]").textContent : "");
      }
      if (typeof data.progress === "number") { progressTo(data.progress); }
      if (data.done) { markDone(); }
      var heading = document.getElementById("results-heading");
      if (heading) { heading.focus(); }
    }).catch(function () {
      busy(false);
      status.textContent = form.dataset.failed;
    });
  });

  var reset = form.querySelector(".reset-link");
  if (reset) {
    reset.addEventListener("click", function (event) {
      event.preventDefault();
      if (!window.confirm(form.dataset.confirmReset)) { return; }
      var body = new FormData();
      body.set("csrf_token", form.querySelector("input[name=csrf_token]").value);
      send(form.dataset.resetUrl, body).then(function (response) { return response.json(); }).then(function (data) {
        if (typeof data.code !== "string") { throw new Error("no code"); }
        if (editor) { editor.setValue(data.code); editor.markError(null, ""); } else { textarea.value = data.code; }
        if (editor) { editor.focus(); } else { textarea.focus(); }
      }).catch(function () { status.textContent = form.dataset.failed; });
    });
  }
})();
