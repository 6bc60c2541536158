// The studio's live preview: the lesson text, rendered on the server by the same
// sanitising renderer learners get, shown below the editor a moment after typing stops.
(function () {
  "use strict";
  var target = document.getElementById("studio-preview");
  var body = document.getElementById("body");
  if (!target || !body) { return; }
  var token = document.querySelector("input[name=csrf_token]");
  var timer = null;
  function refresh() {
    var data = new FormData();
    data.append("body", body.value);
    if (token) { data.append("csrf_token", token.value); }
    fetch(target.dataset.url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { target.innerHTML = html; } });
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  refresh();
})();
