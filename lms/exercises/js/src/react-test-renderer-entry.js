// mount(): react-test-renderer, driven inside its `act`.
import TestRenderer from "react-test-renderer";

globalThis.__lmsReactLibs.TestRenderer = TestRenderer;
globalThis.__lmsReactLibs.act = TestRenderer.act;
