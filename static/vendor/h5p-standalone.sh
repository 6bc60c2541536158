#!/bin/sh
# Rebuilds static/vendor/h5p-standalone/, the player of H5P activities, from the npm
# registry: h5p-standalone 3.8.2 (MIT, © Jake Lee Kennedy; it bundles H5P's core player,
# MIT, © Joubel/H5P Group, and its fonts: Inter and Open Sans, SIL OFL, licences in
# fonts/*/). Its dist/ is copied unchanged. Run from anywhere: static/vendor/h5p-standalone.sh
set -eu
cd "$(dirname "$0")"
version=3.8.2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "h5p-standalone@$version" >/dev/null && tar xzf "h5p-standalone-$version.tgz")
rm -rf h5p-standalone
mkdir h5p-standalone
cp -r "$work/package/dist/main.bundle.js" "$work/package/dist/main.bundle.js.LICENSE.txt" \
  "$work/package/dist/frame.bundle.js" "$work/package/dist/styles" "$work/package/dist/fonts" \
  "$work/package/dist/images" "$work/package/LICENSE" h5p-standalone/
echo "h5p-standalone $version from the npm registry (npm pack h5p-standalone@$version), dist/ unchanged" \
  > h5p-standalone/VERSION
echo "copied h5p-standalone $version into h5p-standalone/"
