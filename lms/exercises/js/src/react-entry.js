// React 18 for graded exercises: the development builds, because `act` (which mount() and
// flush() use) only exists there, and because their warnings (a missing `key`) and their
// readable error messages help learners. The server renderer is the legacy browser one,
// which needs no TextEncoder or streams.
import React from "react";
import { renderToStaticMarkup } from "../node_modules/react-dom/cjs/react-dom-server-legacy.browser.development.js";
import TestRenderer from "react-test-renderer";

globalThis.__lmsReactLibs = { React, renderToStaticMarkup, TestRenderer, act: TestRenderer.act };
