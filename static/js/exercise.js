// The exercise page with JavaScript: a real code editor in place of the textarea, and
// Run / Submit / Reset sent with fetch() so the results appear without a reload (Run and
// Submit queue a grading, whose address the page asks until the results are there).
// Without JavaScript the same form posts and the server renders the page.
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
      html: form.dataset.language === "html",
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

  function say(text) {
    var live = document.getElementById("results-live");
    live.innerHTML = "";
    var alert = document.createElement("p");
    alert.className = "alert alert-error";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    live.appendChild(alert);
  }

  // A finished grading (or a refusal): the results next to the code, the progress, the
  // syntax error marked in the editor.
  function show(data) {
    var results = document.getElementById("results");
    if (data.html) {
      results.outerHTML = data.html;
    } else {
      // An error page in JSON (too many attempts, expired form): say what it says.
      say(data.message || data.error || form.dataset.failed);
    }
    if (editor) {
      var bad = data.status === "syntax_error" || data.status === "error";
      var where = document.querySelector("#results [data-status]");
      editor.markError(bad ? data.line : null, bad && where ? where.textContent : "");
    }
    // The best score and the submissions list, as a reload would show them.
    [["best-score", data.best_html], ["submissions", data.submissions_html]].forEach(function (pair) {
      var current = document.getElementById(pair[0]);
      if (current && pair[1]) { current.outerHTML = pair[1]; }
    });
    if (typeof data.progress === "number") { progressTo(data.progress); }
    if (data.done) { markDone(); }
    var heading = document.getElementById("results-heading");
    if (heading) { heading.focus(); }
  }

  // The code is graded off the page's request: ask the grading's address until its
  // results are there, as often as its answer says (poll_after_ms: soon for a run, once a
  // submission's results are due), more slowly when the server says "too many requests",
  // and give up after a few failed connections.
  var QUICK_MS = 500, SLOW_MS = 1000, LIMITED_MS = 5000, TRIES = 5;
  function wait(url) {
    var failures = 0;
    busy(true);
    function ask() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (response) {
        if (response.status === 429) { return { again: LIMITED_MS }; }
        return response.json().then(function (data) {
          var pending = data.state === "queued" || data.state === "running";
          var after = Math.min(Math.max(Number(data.poll_after_ms) || SLOW_MS, 250), LIMITED_MS);
          return pending ? { again: after } : { data: data };
        });
      }).then(function (answer) {
        failures = 0;
        if (answer.again) { window.setTimeout(ask, answer.again); return; }
        busy(false);
        show(answer.data);
      }).catch(function () {
        failures += 1;
        if (failures < TRIES) { window.setTimeout(ask, SLOW_MS * failures); return; }
        busy(false);
        status.textContent = form.dataset.failed;
      });
    }
    window.setTimeout(ask, QUICK_MS);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = event.submitter || buttons[0];
    var url = button.getAttribute("formaction") || form.action;
    var body = new FormData(form);
    body.set("code", code());
    busy(true);
    send(url, body).then(function (response) {
      return response.json().then(function (data) { return { code: response.status, data: data }; });
    }).then(function (answer) {
      if (answer.code === 202 && answer.data.status_url) { wait(answer.data.status_url); return; }
      busy(false);
      show(answer.data);
      // Refused because this exercise's grading is still going (another tab): wait for it.
      if (answer.code === 409 && answer.data.status_url) { wait(answer.data.status_url); }
    }).catch(function () {
      busy(false);
      status.textContent = form.dataset.failed;
    });
  });

  // The page was opened (or reloaded) while a grading was going: wait for its results.
  var pending = document.querySelector("#results[data-status-url]");
  if (pending) { wait(pending.getAttribute("data-status-url")); }

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
