// React 18 for graded exercises, development build: `act` (which mount() and flush() use)
// only exists there, and its warnings (a missing `key`) and readable errors help learners.
import React from "react";

globalThis.__lmsReactLibs = { React };
