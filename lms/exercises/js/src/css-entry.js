// The CSS parser for `language: html` exercises: PostCSS's parser only (no plugins, no
// source maps), so the harness can read the learner's <style> as rules and declarations.
import parse from "postcss/lib/parse";

globalThis.__lmsCssParse = parse;
