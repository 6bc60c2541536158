// The exercise page's code editor: CodeMirror 6 with JavaScript (and JSX for React
// exercises, HTML with its CSS for `language: html` ones), Tab to indent, and error marks for the
// line a syntax error names. The studio's lesson editor uses the same editor with Markdown
// (``language: "markdown"``).
// build.sh bundles this file into codemirror/codemirror.js (window.LMSCodeEditor).
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { EditorState } from "@codemirror/state";
import { indentWithTab } from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import { markdown } from "@codemirror/lang-markdown";
import { html } from "@codemirror/lang-html";
import { setDiagnostics, lintGutter } from "@codemirror/lint";

// The page's Content-Security-Policy nonce, read from this script's own tag while it runs:
// CodeMirror puts it on the <style> elements it adds in browsers without constructed
// style sheets, so the policy never needs 'unsafe-inline' for styles.
const nonce = (document.currentScript && document.currentScript.nonce) || "";

function create(textarea, options = {}) {
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        basicSetup,
        keymap.of([indentWithTab]),
        options.language === "markdown" ? markdown() : options.html ? html() : javascript({ jsx: Boolean(options.jsx) }),
        lintGutter(),
        EditorView.lineWrapping,  // no sideways scrolling: the whole editor stays reachable by keyboard
        ...(nonce ? [EditorView.cspNonce.of(nonce)] : []),
        EditorView.contentAttributes.of({
          "aria-label": options.label || "Code",
          ...(options.describedBy ? { "aria-describedby": options.describedBy } : {}),
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) {
            textarea.value = update.state.doc.toString();
            if (options.onChange) {
              options.onChange(textarea.value);
            }
          }
        }),
      ],
    }),
  });
  textarea.parentNode.insertBefore(view.dom, textarea);
  textarea.hidden = true;
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      textarea.value = text;
    },
    markError(line, message) {
      const doc = view.state.doc;
      const diagnostics = [];
      if (line && line >= 1 && line <= doc.lines) {
        const at = doc.line(line);
        diagnostics.push({ from: at.from, to: Math.max(at.to, at.from), severity: "error", message });
      }
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    focus: () => view.focus(),
  };
}

window.LMSCodeEditor = { create };
