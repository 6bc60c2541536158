/* Inside the H5P player's sandboxed frame (opaque origin: no cookies, no access to the
   page). Starts h5p-standalone with the options the platform wrote into the page, and
   hands every xAPI statement the content reports, and the frame's height, to the parent
   page, which checks and forwards them. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("lms-h5p-config").textContent);
  var container = document.getElementById("h5p-container");
  function tell(message) {
    message.item = config.item;
    window.parent.postMessage(message, config.parent);
  }
  function reportHeight() {
    tell({type: "lms-h5p-height", height: Math.ceil(document.documentElement.scrollHeight)});
  }
  new H5PStandalone.H5P(container, config.options).then(function () {
    H5P.externalDispatcher.on("xAPI", function (event) {
      tell({type: "lms-h5p-statement", statement: event.data.statement});
    });
    tell({type: "lms-h5p-ready"});
    reportHeight();
    if (window.ResizeObserver) {
      new ResizeObserver(reportHeight).observe(document.body);
    }
  });
})();
