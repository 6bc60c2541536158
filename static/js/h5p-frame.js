/* Inside the H5P player's sandboxed frame (opaque origin: no cookies, no access to the
   page). Starts h5p-standalone with the options the platform wrote into the page, and
   hands every xAPI statement the content reports, and the frame's height, to the parent
   page, which checks and forwards them. */
(function () {
  "use strict";
  // A sandboxed frame has no storage (reading localStorage throws); H5P keeps small things
  // there (the clipboard, the last dialogs), so it gets a store that lasts as long as the page.
  function memoryStorage() {
    var items = {};
    return {
      getItem: function (key) { return Object.prototype.hasOwnProperty.call(items, key) ? items[key] : null; },
      setItem: function (key, value) { items[key] = String(value); },
      removeItem: function (key) { delete items[key]; },
      clear: function () { items = {}; },
      key: function (index) { return Object.keys(items)[index] || null; },
      get length() { return Object.keys(items).length; }
    };
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    try { window[name].getItem("x"); } catch (error) {
      Object.defineProperty(window, name, {value: memoryStorage(), configurable: true});
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

function start() {
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
    // H5P writes the content type's state into H5PIntegration every saveFreq seconds; what
    // changed goes to the page, which keeps it for the next visit.
    var last = null;
    function handState() {
      var content = window.H5PIntegration && H5PIntegration.contents["cid-" + config.options.id];
      var data = content && content.contentUserData && content.contentUserData[0];
      var state = data && typeof data.state === "string" ? data.state : null;
      if (state !== null && state !== last) {
        last = state;
        tell({type: "lms-h5p-state", state: state});
      }
    }
    window.setInterval(handState, (config.options.saveFreq || 5) * 1000);
    window.addEventListener("pagehide", handState);
    reportHeight();
    if (window.ResizeObserver) {
      new ResizeObserver(reportHeight).observe(document.body);
    }
  });
}
