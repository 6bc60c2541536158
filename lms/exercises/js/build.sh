#!/bin/sh
# Rebuilds the JavaScript bundles in dist/ exactly from the npm registry:
#   cd lms/exercises/js && ./build.sh
# npm ci installs the exact versions of package-lock.json; esbuild (itself pinned there)
# bundles each entry of src/ into one file; the licence of every package that ends up in a
# bundle is copied beside it.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
rm -rf dist
mkdir -p dist/licenses
bundle() {
    # $1 entry, $2 output, $3 NODE_ENV
    npx esbuild "src/$1" --bundle --format=iife --platform=browser --target=es2022 \
        --define:process.env.NODE_ENV="\"$3\"" --minify --legal-comments=none \
        --metafile="dist/$2.meta.json" --outfile="dist/$2" --log-level=warning
}
bundle sucrase-entry.js sucrase.js production
bundle react-entry.js react.js development
bundle dom-entry.js dom.js production
node licenses.cjs dist
rm dist/*.meta.json
ls -l dist
