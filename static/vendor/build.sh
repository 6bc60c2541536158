#!/bin/sh
# Rebuilds static/vendor/codemirror/codemirror.js, the exercise page's code editor (and the
# studio's Markdown editor), from
# the exact versions in package-lock.json: CodeMirror 6 (MIT; JavaScript, HTML/CSS and Markdown modes) bundled by esbuild with
# editor.js as the entry point. Run from anywhere: static/vendor/build.sh
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
node_modules/.bin/esbuild editor.js --bundle --minify --format=iife --target=es2020 \
  --legal-comments=none --outfile=codemirror/codemirror.js
# The licences of everything in the bundle, next to it.
{
  for package in codemirror @codemirror/autocomplete @codemirror/commands @codemirror/language \
      @codemirror/lang-javascript @codemirror/lang-markdown @codemirror/lang-html @codemirror/lang-css @codemirror/lint @codemirror/search @codemirror/state @codemirror/view \
      @lezer/common @lezer/highlight @lezer/javascript @lezer/markdown @lezer/html @lezer/css @lezer/lr crelt style-mod w3c-keyname @marijn/find-cluster-break; do
    if [ -f "node_modules/$package/LICENSE" ]; then
      version=$(node -p "require('./node_modules/$package/package.json').version")
      printf '%s %s\n\n' "$package" "$version"
      cat "node_modules/$package/LICENSE"
      printf '\n\n'
    fi
  done
} > codemirror/LICENSE
echo "built codemirror/codemirror.js ($(wc -c < codemirror/codemirror.js) bytes)"
