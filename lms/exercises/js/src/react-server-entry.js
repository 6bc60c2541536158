// render(): the legacy browser server renderer, which needs no TextEncoder or streams.
import { renderToStaticMarkup } from "../node_modules/react-dom/cjs/react-dom-server-legacy.browser.development.js";

globalThis.__lmsReactLibs.renderToStaticMarkup = renderToStaticMarkup;
