/* The page around an H5P activity: takes messages only from its own player frame (the
   frame is sandboxed, so its origin is "null"; event.source is what identifies it) and
   forwards the statements to the item's endpoint with the page's CSRF token. The server
   rebuilds and checks each one. */
(function () {
  "use strict";
  var frame = document.getElementById("h5p-frame");
  if (!frame) { return; }
  var status = document.getElementById("h5p-status");
  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || !event.data || typeof event.data !== "object") { return; }
    var data = event.data;
    if (data.type === "lms-h5p-height" && typeof data.height === "number") {
      frame.style.height = Math.min(Math.max(data.height, 200), 4000) + "px";
      return;
    }
    if (!frame.dataset.statements) { return; }  // a studio preview: nothing is recorded
    if (data.type === "lms-h5p-state" && typeof data.state === "string") {
      fetch(frame.dataset.state, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": frame.dataset.csrf},
        body: JSON.stringify({item: data.item, state: data.state})
      }).catch(function () { /* the next save tries again */ });
      return;
    }
    if (data.type !== "lms-h5p-statement") { return; }
    fetch(frame.dataset.statements, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": frame.dataset.csrf},
      body: JSON.stringify({item: data.item, statement: data.statement})
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          status.textContent = body.error || frame.dataset.failed;
        } else if (body.completed) {
          status.textContent = frame.dataset.completed;
        }
      });
    }).catch(function () { status.textContent = frame.dataset.failed; });
  });
})();
