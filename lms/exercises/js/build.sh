#!/bin/sh
# Rebuilds the JavaScript bundles in dist/ exactly from the npm registry:
#   cd lms/exercises/js && ./build.sh
# npm ci installs the exact versions of package-lock.json; esbuild (pinned there too) bundles
# each entry of src/ into one script (build.mjs says how); the licence of every package that
# ends up in a bundle is copied to dist/licenses/ (licenses.cjs).
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
rm -rf dist
mkdir -p dist/licenses
node build.mjs
node licenses.cjs dist
rm dist/*.meta.json
ls -l dist
