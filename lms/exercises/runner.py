"""Runs a learner's code and an exercise's tests in one fresh V8 context.

``run_tests`` is what a grader worker process calls (``lms.exercises.sandbox`` supervises
those processes; never call it in the web process). For each grading it

1. transforms the learner's ES module (and JSX, for React) to a plain script with sucrase,
   in a transformer context kept warm in this process: the source is only data there;
2. makes a fresh V8 context with a heap limit, loads the libraries the exercise needs
   (React, a DOM), then ``js/harness.js``, which keeps private references to what it uses,
   installs the console, the virtual clock and the test helpers, and freezes the realm's
   intrinsics before any learner code runs;
3. hands the transformed module to the harness as a string, which compiles it with the
   AsyncFunction constructor as a function body of its own (V8 parses such a body apart
   from everything else, so no text in it, such as an HTML-like comment that sucrase reads
   as code and V8 as a comment, can close the function and run outside the harness), then
   runs each test as the body of an async function, with the module's named exports and the
   helpers as local variables. Python drives the event loop: after each call V8 drains its
   microtasks, then the harness fires the next timer of the virtual clock, until the test
   settles. Visible tests run first; hidden tests after them report only passed or failed;
4. closes the context, always.

The harness is reached through one non-writable global whose methods need a secret nonce
that only this module knows, so learner code cannot call them or report a result.
Lines in messages are lines of the learner's own code: sucrase keeps lines where they were,
and the harness subtracts the lines the Function constructor puts before the body.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import secrets
import threading
import time
from pathlib import Path

from py_mini_racer import (JSEvalException, JSOOMException, JSParseException, JSTimeoutException, MiniRacer,
                           init_mini_racer)

# Start V8 now, in the importing thread, before mini-racer starts threads of its own. Left to
# start lazily inside the thread that made the first context (the transformer's), V8 crashed
# the process when a context was then made in another thread, on a machine whose CPU has
# memory protection keys (whose rights a thread copies from the thread that started it, the
# likely cause): every grading failed with "the grader stopped".
init_mini_racer(ignore_duplicate_init=True)

JS_DIR = Path(__file__).parent / "js"
DIST_DIR = JS_DIR / "dist"
LANGUAGES = ("javascript", "react", "html")  # html: the answer is a page, graded in the DOM
ENVIRONMENTS = (None, "dom")
HEAP_LIMIT_BYTES = 256 << 20      # V8 stops the code with a catchable error past this
TRANSFORM_TIMEOUT_S = 2.0
# Names a test always sees as the harness's, even if the learner exports the same name.
HELPER_NAMES = frozenset({"expect", "logs", "mockFetch", "fetchCalls", "React", "render", "mount", "flush",
                          "accessibleName", "getByLabelText", "css", "solution", "__h", "__lms"})
RESERVED_WORDS = frozenset("""
    await break case catch class const continue debugger default delete do else enum export extends
    false finally for function if implements import in instanceof interface let new null package
    private protected public return static super switch this throw true try typeof var void while
    with yield arguments eval undefined NaN Infinity
""".split())
IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
LOCALES = ("en", "lv")  # the harness's message table has these languages

NOT_RUN = {
    "syntax_error": "Not run: the code has a syntax error.",
    "error": "Not run: the code threw an error while it loaded.",
    "timeout": "Not run: the code ran longer than the time limit.",
    "memory": "Not run: the code used more memory than allowed.",
}


def _read(name: str) -> str:
    return (DIST_DIR / name).read_text(encoding="utf-8")


_HARNESS = (JS_DIR / "harness.js").read_text(encoding="utf-8")
_LIBRARIES: dict[str, str] = {}
_transformer: MiniRacer | None = None
_transformer_lock = threading.Lock()


def _library(name: str) -> str:
    if name not in _LIBRARIES:
        _LIBRARIES[name] = _read(name)
    return _LIBRARIES[name]


class _SyntaxProblem(Exception):
    def __init__(self, message: str, line: int | None, column: int | None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


# ---- the transformer ----

_TRANSFORM_JS = """
(function () {
  "use strict";
  const transform = globalThis.sucraseTransform;
  const stringify = JSON.stringify;
  const freezeAll = (o, seen) => {
    if (o === null || (typeof o !== "object" && typeof o !== "function") || seen.has(o)) return;
    seen.add(o);
    for (const k of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      if ("value" in d) freezeAll(d.value, seen); else { freezeAll(d.get, seen); freezeAll(d.set, seen); }
    }
    freezeAll(Object.getPrototypeOf(o), seen);
    Object.freeze(o);
  };
  const run = function (source, transforms) {
    try {
      return stringify({ code: transform(source, { transforms, production: true, disableESTransforms: true }).code });
    } catch (e) {
      const loc = e && e.loc ? { line: e.loc.line, column: e.loc.column } : null;
      return stringify({ error: String(e && e.message), loc });
    }
  };
  // Learner source is only data here, but nothing it does inside sucrase can leave a trace
  // for the next learner either: every object of this context is frozen.
  const seen = new Set();
  for (const k of Reflect.ownKeys(globalThis)) {
    const d = Object.getOwnPropertyDescriptor(globalThis, k);
    if ("value" in d && d.value !== globalThis) freezeAll(d.value, seen);
  }
  freezeAll(run, seen);
  Object.defineProperty(globalThis, "lmsTransform", { value: run, writable: false, configurable: false });
})();
"""


def _get_transformer() -> MiniRacer:
    global _transformer
    if _transformer is None:
        # Made in a thread without an event loop, so that mini-racer gives it a loop (and a
        # thread) of its own and any thread can call it with a timeout.
        made = []
        maker = threading.Thread(target=lambda: made.append(MiniRacer()))
        maker.start()
        maker.join()
        mr = made[0]
        mr.eval(_library("sucrase.js"))
        mr.eval(_TRANSFORM_JS)
        _transformer = mr
    return _transformer


def _reset_transformer() -> None:
    global _transformer
    if _transformer is not None:
        _transformer.close()
        _transformer = None


def transform(source: str, transforms: list[str]) -> str:
    """Transform source with sucrase; a parse error raises ``_SyntaxProblem``."""
    with _transformer_lock:
        mr = _get_transformer()
        try:
            raw = mr.call("lmsTransform", source, transforms, timeout_sec=TRANSFORM_TIMEOUT_S)
        except JSEvalException:
            # A timeout or a broken transformer: start a new one next time.
            _reset_transformer()
            raise
    answer = json.loads(raw)
    if "code" in answer:
        return answer["code"]
    loc = answer.get("loc") or {}
    message = re.sub(r"\s*\(\d+:\d+\)$", "", answer["error"])
    raise _SyntaxProblem(message, loc.get("line"), loc.get("column"))


# ---- syntax errors with V8's own message, at the learner's line and column ----

_V8_SYNTAX = re.compile(r"^[^\n]*?:(\d+): SyntaxError: ([^\n]*)\n([^\n]*)\n( *)\^", re.S)


def _v8_syntax(exc: JSParseException) -> tuple[str, int | None, int | None]:
    text = str(exc)
    m = _V8_SYNTAX.match(text)
    if m:
        return m.group(2), int(m.group(1)), len(m.group(4)) + 1
    first = re.search(r"SyntaxError: ([^\n]*)", text)
    return (first.group(1) if first else text.strip().splitlines()[0]), None, None


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


_IMPORT = re.compile(r"^[ \t]*import\b(?:[^;'\"]|\n)*?(?:\bfrom\b\s*)?(['\"])[^'\"\n]*\1[ \t]*;?", re.M)
_EXPORT_LIST = re.compile(r"^[ \t]*export\s*(?:\*|\{[^}]*\})(?:\s*from\s*(['\"])[^'\"\n]*\1)?[ \t]*;?", re.M)
_EXPORT_DEFAULT = re.compile(r"\bexport\s+default\b")
_EXPORT_DECL = re.compile(r"\bexport(?=\s+(?:const|let|var|function|class|async)\b)")


def _without_module_syntax(source: str) -> str:
    """The source with import/export statements blanked, positions kept (for V8 to parse)."""
    text = _IMPORT.sub(_blank, source)
    text = _EXPORT_LIST.sub(_blank, text)
    text = _EXPORT_DEFAULT.sub(lambda m: "0," + " " * (len(m.group(0)) - 2), text)
    return _EXPORT_DECL.sub(lambda m: " " * len(m.group(0)), text)


async def _parse_error(script: str) -> tuple[str, int | None, int | None] | None:
    """V8's syntax error in ``script``, found by a throwaway context that only parses it: the
    script starts by throwing, so no part of it runs even if it is not what it seems."""
    ev = _Evaluator(MiniRacer(), _Clock(PARSE_TIME_LIMIT_MS))
    try:
        await ev(_PARSE_ONLY + script)
    except JSParseException as exc:
        return _v8_syntax(exc) if "SyntaxError" in str(exc) else None
    except (JSEvalException, TimeoutError):
        return None
    finally:
        await ev.close()
    return None


async def _syntax_error_in_v8(source: str) -> tuple[str, int | None, int | None] | None:
    """Where V8 finds the syntax error in plain JavaScript source, in the learner's lines."""
    found = await _parse_error("(async function () {\n" + _without_module_syntax(source) + "\n});")
    if found is None:
        return None
    message, line, column = found
    line = line - 1 if line else None
    last = source.count("\n") + 1
    if line is not None and line > last:
        return message, last, None  # at our closing "});": something is not closed at the end
    return message, line, column


async def _syntax_error_in_transformed(source: str, code: str) -> tuple[str, int | None, int | None] | None:
    """Where V8 finds the syntax error in the transformed code (a React module), with the
    column mapped back to the learner's line when it can be."""
    prefix = _PARSE_ONLY + _SCRIPT_PREFIX
    found = await _parse_error(_SCRIPT_PREFIX + code + "\n});")
    if found is None:
        return None
    message, line, column = found
    return message, line, _original_column(source, code, line, column, prefix_len=len(prefix))


# ---- running ----

def _not_run(tests, status: str, hidden_from: int, message: str | None = None) -> list[dict]:
    why = message or NOT_RUN[status]
    return [{"name": t["name"], "passed": False, "message": "" if index >= hidden_from else why, "logs": []}
            for index, t in enumerate(tests)]


def _result(status, tests, hidden_from, *, logs=None, error="", line=None, column=None, results=None,
            recycle=False) -> dict:
    answer = {
        "status": status,
        "tests": results if results is not None else _not_run(tests, status, hidden_from),
        "logs": logs or [],
        "error": error,
        "line": line,
        "column": column,
    }
    if recycle:
        # Not for the learner: V8 hit a limit in a hidden test, so the supervisor replaces
        # this worker as it does after any timeout or memory error.
        answer["recycle"] = True
    return answer


def _hidden_failure(test) -> dict:
    """A hidden test's result when it failed or could not run: its name and nothing else."""
    return {"name": test["name"], "passed": False, "message": "", "logs": []}


class _Progress:
    """What a grading has found so far: enough to answer when it is cut short in the hidden
    tests (a timeout, a memory limit, a harness that broke)."""

    def __init__(self, tests: list[dict], hidden_from: int, on_visible):
        self.tests, self.hidden_from, self.on_visible = tests, hidden_from, on_visible
        self.results: list[dict] = []
        self.logs: list[str] = []
        self.in_hidden = False

    def enter_hidden(self) -> None:
        """Every visible result is final before the first hidden test runs (nothing computed
        after a hidden input was seen can reach the learner); the worker may pass them on."""
        self.in_hidden = True
        if self.on_visible is not None:
            self.on_visible({"logs": list(self.logs), "tests": list(self.results)})

    def cut_short(self, *, recycle: bool = False) -> dict:
        """The answer when the hidden test running now cannot finish: the visible results as
        they were, that hidden test and every later one failed, and nothing about why (the
        grading's status stays "ok": a timeout or a crash there would tell the learner what
        their code met)."""
        rest = [_hidden_failure(test) for test in self.tests[len(self.results):]]
        return _result("ok", self.tests, self.hidden_from, logs=self.logs, results=self.results + rest,
                       recycle=recycle)


def _result_for_limit(progress: _Progress, status: str, error: str) -> dict:
    if progress.in_hidden:
        return progress.cut_short(recycle=True)
    return _result(status, progress.tests, progress.hidden_from, error=error)


class _Clock:
    def __init__(self, time_limit_ms: int):
        self.deadline = time.perf_counter() + time_limit_ms / 1000

    def left(self) -> float:
        left = self.deadline - time.perf_counter()
        if left <= 0:
            raise JSTimeoutException()
        return left


class _Evaluator:
    """Evaluations in one context, on this thread's event loop, within the time limit.

    The context is made inside a coroutine, so mini-racer answers on the running loop (one
    thread hop per evaluation instead of two, and no thread of its own per context).
    """

    def __init__(self, mr: MiniRacer, clock: _Clock):
        self.mr, self.clock, self.stopped = mr, clock, False

    async def __call__(self, code: str):
        try:
            return await asyncio.wait_for(self.mr.eval_cancelable(code), timeout=self.clock.left())
        except TimeoutError:
            self.stopped = True
            raise JSTimeoutException() from None

    async def close(self) -> None:
        if self.stopped:
            # The stopped evaluation still reports back to the loop: wait for that (one more
            # evaluation queues behind it) before the context goes.
            try:
                await asyncio.wait_for(self.mr.eval_cancelable("0"), timeout=2.0)
            except (JSEvalException, TimeoutError):
                pass
        self.mr.close()


_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def _run(coroutine):
    """Run a coroutine on the runner's own event loop, in a thread of its own.

    Its own thread, because the caller's thread may already run a loop of its own (a test
    process with Playwright does), and mini-racer would then answer on that one.
    """
    global _loop
    with _loop_lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="lms-exercise-runner", daemon=True).start()
    return asyncio.run_coroutine_threadsafe(coroutine, _loop).result()


def _well_formed(text: str) -> str:
    """The text with lone surrogates (which V8 cannot be handed) replaced, pairs kept."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def run_tests(source: str, tests: list[dict], language: str = "javascript", environment: str | None = None,
              time_limit_ms: int = 2000, *, heap_limit_bytes: int = HEAP_LIMIT_BYTES, locale: str = "en",
              hidden_from: int | None = None, on_visible=None) -> dict:
    """Grade ``source`` with ``tests`` in a fresh V8 context: ``{"status", "tests": [{"name",
    "passed", "message", "logs"}, ...], "logs", "error", "line", "column"}``.

    Never raises for anything the learner's code does; raises ``ValueError`` for arguments
    no exercise can have (an unknown language or environment, a test without a name).
    ``locale`` ("en" or "lv") is the language of the harness's messages to the learner.

    ``tests[hidden_from:]`` are hidden tests (none by default): they run after every visible
    test, and their results say only whether they passed (no message, no console output, no
    line); a timeout, a memory limit or a broken harness while one runs fails it and the
    hidden tests after it, and the grading's status stays "ok". ``on_visible(partial)`` is
    called once, just before the first hidden test, with the module's logs and the visible
    tests' results (so a supervisor that loses the worker later still has them).
    """
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}: expected one of {', '.join(LOCALES)}")
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: expected one of {', '.join(LANGUAGES)}")
    if environment not in ENVIRONMENTS:
        raise ValueError(f"unknown environment {environment!r}: expected none or 'dom'")
    for test in tests:
        if not isinstance(test, dict) or not isinstance(test.get("name"), str) or not isinstance(test.get("code"), str):
            raise ValueError("each test needs a string 'name' and a string 'code'")
    if not isinstance(source, str):
        raise ValueError("source must be a string")
    if hidden_from is None:
        hidden_from = len(tests)
    if not isinstance(hidden_from, int) or isinstance(hidden_from, bool) or not 0 <= hidden_from <= len(tests):
        raise ValueError(f"hidden_from must be a test index from 0 to {len(tests)}")
    source = _well_formed(source)
    if source.startswith("#!"):
        source = "//" + source[2:]  # a module may start with a hashbang line; a function body may not
    react = language == "react"
    page = language == "html"
    clock = _Clock(time_limit_ms)

    try:
        # An HTML answer is not code: the harness parses it as the page (options.page) and
        # runs an empty module.
        code = "" if page else transform(source, ["imports", "jsx"] if react else ["imports"])
        bodies = [_test_body(t["code"], react) for t in tests]
    except _SyntaxProblem as problem:
        found = None if react else _run(_syntax_error_in_v8(source))
        message, line, column = found or (problem.message, problem.line, problem.column)
        return _result("syntax_error", tests, hidden_from, error=message, line=line, column=column)
    except JSTimeoutException:
        return _result("timeout", tests, hidden_from, error="the code took too long to even read")
    progress = _Progress(tests, hidden_from, on_visible)
    return _run(_grade_in_fresh_context(source, code, progress, bodies, react, environment == "dom" or page, clock,
                                        time_limit_ms, heap_limit_bytes, locale, page))


def _test_body(code: str, react: bool):
    """A test's code as an async function expression (JSX transformed), or a _SyntaxProblem."""
    inner = "(async function () {\n" + code + "\n})"
    if not react:
        return inner
    try:
        return _transform_test(inner)
    except _SyntaxProblem as problem:
        return problem


@functools.lru_cache(maxsize=512)
def _transform_test(inner: str) -> str:
    # Tests are the author's and the same in every grading of an exercise: transform once.
    return transform(inner, ["jsx"]).rstrip().rstrip(";")


async def _grade_in_fresh_context(source, code, progress, bodies, react, dom, clock, time_limit_ms,
                                  heap_limit_bytes, locale, page=False):
    nonce = secrets.token_hex(16)
    ev = _Evaluator(MiniRacer(), clock)
    try:
        ev.mr.set_hard_memory_limit(heap_limit_bytes)
        return await _grade(ev, nonce, source, code, progress, bodies, react, dom, locale, page)
    except JSTimeoutException:
        ev.stopped = True
        return _result_for_limit(progress, "timeout", f"the code ran longer than the time limit ({time_limit_ms} ms)")
    except JSOOMException:
        return _result_for_limit(progress, "memory", "the code used more memory than allowed")
    except (JSEvalException, MemoryError):
        if progress.in_hidden:
            # Whatever broke, it broke in a hidden test: that test failed, and that is all.
            return progress.cut_short(recycle=True)
        raise
    finally:
        await ev.close()


_USES_RENDER = re.compile(r"\brender\b")
_USES_MOUNT = re.compile(r"\bmount\b")
# Put before the learner's first line by the harness (it compiles the module as a body).
LEARNER_PREFIX = '"use strict";'
# The same module as a script, for V8 to parse when it reports a syntax error without a place.
_SCRIPT_PREFIX = "(async function (exports, require, module, React) {" + LEARNER_PREFIX
_PARSE_ONLY = "throw 0; "
# V8's word for a body that closes the function it is compiled into: code that is only valid
# as part of a larger script, which is what an escape from the module looks like.
_UNBALANCED = {"Single function literal required":
               "a closing bracket has no opening one (or an HTML-like comment, <!-- or -->, hides one)"}
PARSE_TIME_LIMIT_MS = 2000


_LINE_OFFSET_JS = """
(function () {
  const probe = new (Object.getPrototypeOf(async function () {}).constructor)(
    "exports", "require", "module", "React", "exports.stack = new Error().stack;\\n//# sourceURL=probe.js");
  const out = {};
  probe(out);
  const m = /probe\\.js:(\\d+):\\d+/.exec(out.stack);
  return m ? Number(m[1]) - 1 : 2;
})()
"""


_line_offset_found: list[int] = []


async def _line_offset(ev) -> int:
    """How many lines V8's Function constructor puts before a body's first line, measured in
    the first grading's fresh context (before anything else is in it) and kept for the
    process: the harness measuring it would cost every grading 2 ms (a stack trace through
    the whole harness script)."""
    if not _line_offset_found:
        _line_offset_found.append(int(await ev(_LINE_OFFSET_JS)))
    return _line_offset_found[0]


async def _grade(ev, nonce, source, code, progress, bodies, react, dom, locale, page=False) -> dict:
    tests, hidden_from = progress.tests, progress.hidden_from
    line_offset = await _line_offset(ev)
    await ev("globalThis.self = globalThis;")  # what browser bundles expect
    if dom:
        await ev(_library("dom.js"))
        await ev(_DOM_NAMES_JS)
    if page:
        await ev(_library("css.js"))
    if react:
        # React itself, then only the renderers the tests name (each costs milliseconds).
        await ev(_library("react.js"))
        codes = [t["code"] for t in tests]
        if any(_USES_RENDER.search(c) for c in codes):
            await ev(_library("react-server.js"))
        if any(_USES_MOUNT.search(c) for c in codes):
            await ev(_library("react-test-renderer.js"))
    options = {"nonce": nonce, "react": react, "dom": dom, "clockStart": int(time.time() * 1000),
               "locale": locale, "hiddenFrom": hidden_from, "lineOffset": line_offset}
    if page:
        options["page"] = source
    await ev("(" + _HARNESS + ")(" + json.dumps(options) + ");")

    # The learner's code goes in as a string: the harness compiles it as a function body of
    # its own, so nothing in it is ever parsed as part of a script of ours.
    refused = await ev(f'__lms.load("{nonce}", {json.dumps(code)})')
    if refused:
        problem = json.loads(refused)
        if not problem.get("syntax"):
            return _result("error", tests, hidden_from, error=problem.get("message", ""))
        if page:  # a CSS syntax error in the page's <style>, on a line of the page
            return _result("syntax_error", tests, hidden_from, error=problem.get("message", ""),
                           line=problem.get("line"), column=None)
        if problem.get("line"):
            line = problem["line"]
            return _result("syntax_error", tests, hidden_from, error=problem.get("message", ""), line=line,
                           column=_original_column(source, code, line, problem.get("column")))
        found = await (_syntax_error_in_transformed(source, code) if react else _syntax_error_in_v8(source))
        message, line, column = found or (_UNBALANCED.get(problem.get("message"), problem.get("message", "")),
                                          None, None)
        return _result("syntax_error", tests, hidden_from, error=message, line=line, column=column)

    loaded = await _drive(ev, nonce)
    if not loaded["passed"]:
        line = loaded.get("line")
        column = (_original_column(source, code, line, loaded.get("column"), prefix_len=len(LEARNER_PREFIX))
                  if line else None)
        return _result("error", tests, hidden_from, logs=loaded["logs"], error=loaded["message"], line=line,
                       column=column)

    progress.logs = loaded["logs"]
    names = [n for n in loaded.get("exports", []) if IDENTIFIER.match(n) and n not in HELPER_NAMES
             and n not in RESERVED_WORDS]
    helpers = ("expect, logs, mockFetch, fetchCalls" + (", accessibleName, getByLabelText" if dom else "")
               + (", css" if page else "") + (", React, render, mount, flush" if react else ""))
    for index, (test, body) in enumerate(zip(tests, bodies)):
        if index == hidden_from:
            progress.enter_hidden()
        outcome = await _run_one(ev, nonce, index, test, body, helpers, names)
        if index >= hidden_from:
            outcome = {**_hidden_failure(test), "passed": outcome["passed"]}
        progress.results.append(outcome)
    return _result("ok", tests, hidden_from, logs=progress.logs, results=progress.results)


async def _run_one(ev, nonce, index, test, body, helpers, names) -> dict:
    if isinstance(body, _SyntaxProblem):
        return _failed(test, await _test_syntax_error(ev, nonce, body.message, body.line))
    exports = f"const {{ {', '.join(names)} }} = __h.exports; " if names else ""
    # The test reads the helpers and the module's exports when it starts (inside the harness's
    # run, so a getter that throws fails this test), and its source holds no nonce.
    script = (
        f'__lms.define("{nonce}", {index}, function (__h) {{ "use strict"; '
        f"const {{ {helpers} }} = __h.helpers; const solution = __h.exports; {exports}"
        f'return {body}(); }});\n__lms.start("{nonce}", {index});\n//# sourceURL=test.js'
    )
    try:
        await ev(script)
    except JSParseException as exc:
        message, line, _ = _v8_syntax(exc)
        return _failed(test, await _test_syntax_error(ev, nonce, message, line))
    outcome = await _drive(ev, nonce)
    message = outcome["message"]
    if not outcome["passed"] and outcome.get("line"):
        message += await _text(ev, nonce, "lineOfYourCode", line=outcome["line"])
    return {"name": test["name"], "passed": outcome["passed"] is True, "message": message, "logs": outcome["logs"]}


async def _text(ev, nonce, key: str, **params) -> str:
    """A message of the harness's table, in the grading's language."""
    return await ev(f'__lms.text("{nonce}", {json.dumps(key)}, {json.dumps(params)})')


async def _test_syntax_error(ev, nonce, error: str, line: int | None) -> str:
    where = await _text(ev, nonce, "lineOfTheTest", line=line - 1) if line and line > 1 else ""
    return await _text(ev, nonce, "testSyntaxError", error=error) + where


def _failed(test, message) -> dict:
    return {"name": test["name"], "passed": False, "message": message, "logs": []}


async def _drive(ev, nonce) -> dict:
    """Run the event loop of the virtual clock until the module or the test settles."""
    call = f'__lms.step("{nonce}")'
    while True:
        answer = await ev(call)
        if answer:
            return json.loads(answer)


def _original_column(source, code, line, column, prefix_len=0):
    """A column of the transformed code as a column of the learner's line, when they match."""
    if line is None or column is None:
        return None
    src_lines = source.split("\n")
    out_lines = code.split("\n")
    if line > len(src_lines) or line > len(out_lines):
        return None
    original, transformed = src_lines[line - 1], out_lines[line - 1]
    if line == 1:
        column -= prefix_len
    if original == transformed:
        return column if column >= 1 else None
    if transformed.endswith(original):
        column -= len(transformed) - len(original)
        return column if column >= 1 else None
    return None


_DOM_NAMES_JS = """
(function () {
  const w = globalThis.__lmsDom.window;
  const names = [];
  for (const name of ["Event", "CustomEvent", "KeyboardEvent", "MouseEvent", "InputEvent", "FocusEvent",
      "EventTarget", "Node", "Element", "HTMLElement", "HTMLInputElement", "HTMLButtonElement",
      "HTMLFormElement", "HTMLSelectElement", "HTMLTextAreaElement", "HTMLAnchorElement", "HTMLImageElement",
      "HTMLDivElement", "HTMLSpanElement", "HTMLParagraphElement", "HTMLUListElement", "HTMLLIElement",
      "DocumentFragment", "Text", "Comment", "NodeList", "DOMParser", "getComputedStyle"]) {
    if (w[name] !== undefined) names.push(name);
  }
  globalThis.__lmsDomNames = names;
})();
"""
