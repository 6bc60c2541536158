// Bundles each entry of src/ into one script in dist/ (build.sh runs this after `npm ci`).
import * as esbuild from "esbuild";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const nm = (p) => path.join(here, "node_modules", p);

// Smaller DOM bundle: linkedom's CSS object model (only for `style.sheet`, 200 kB) is left
// out, and dom-serializer uses the entity escapers of the `entities` copy htmlparser2 brings
// instead of a second copy with its own 70 kB of decoding tables.
const slimDom = {
  name: "slim-dom",
  setup(build) {
    build.onResolve({ filter: /^cssomnom\/parse$/ }, () => ({ path: path.join(here, "src/no-cssom.js") }));
    build.onResolve({ filter: /^entities$/ }, (args) =>
      args.importer.includes(`${path.sep}dom-serializer${path.sep}`)
        ? { path: nm("htmlparser2/node_modules/entities/dist/esm/escape.js") }
        : undefined);
  },
};

// The React renderers use the React of react.js (loaded first), not a copy of their own.
const sharedReact = {
  name: "shared-react",
  setup(build) {
    build.onResolve({ filter: /^react$/ }, () => ({ path: "react", namespace: "shared-react" }));
    build.onLoad({ filter: /.*/, namespace: "shared-react" }, () => ({
      contents: "module.exports = globalThis.__lmsReactLibs.React;",
      loader: "js",
    }));
  },
};

const bundles = [
  { entry: "sucrase-entry.js", out: "sucrase.js", env: "production", plugins: [] },
  { entry: "react-entry.js", out: "react.js", env: "development", plugins: [] },
  { entry: "react-server-entry.js", out: "react-server.js", env: "development", plugins: [sharedReact] },
  { entry: "react-test-renderer-entry.js", out: "react-test-renderer.js", env: "development", plugins: [sharedReact] },
  { entry: "dom-entry.js", out: "dom.js", env: "production", plugins: [slimDom] },
  { entry: "css-entry.js", out: "css.js", env: "production", plugins: [] },
];

for (const b of bundles) {
  const result = await esbuild.build({
    entryPoints: [path.join(here, "src", b.entry)],
    outfile: path.join(here, "dist", b.out),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    define: { "process.env.NODE_ENV": JSON.stringify(b.env) },
    metafile: true,
    plugins: b.plugins,
    logLevel: "warning",
  });
  await import("node:fs").then((fs) =>
    fs.writeFileSync(path.join(here, "dist", `${b.out}.meta.json`), JSON.stringify(result.metafile)));
}
