"""Hostile learner code, graded through ``sandbox.grade`` in real worker processes and V8.

Each case pairs a wrong answer with an attack that would make its failing test pass (or
leak something, or take the grader down) if the protection it checks were missing. Twelve
of the tampering attacks were run against an unprotected harness (built-ins looked up at
call time, results gathered in a global array, no freezing) and made the wrong answer pass
there; the others (lying ``toString``s, silenced ``call``/``apply``, ``Error`` and
``Object.prototype`` poisoning, lying ``String`` methods, a frozen global object, exported
helper names) check that the grader neither passes nor breaks on them. The lying values
would pass a matcher that used ``==``.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest

from lms.exercises import sandbox

SUM_TESTS = [
    {"name": "adds three numbers", "code": "expect(sum([1, 2, 3])).toBe(6);"},
    {"name": "adds a list", "code": "expect(sum([1, 2])).toEqual(3);"},
    {"name": "sums to an array", "code": "expect([sum([1]), sum([2])]).toEqual([1, 2]);"},
    {"name": "is not NaN", "code": "expect(sum([1]) + 1).toBe(2);"},
    {"name": "async sum", "code": "await expect(Promise.resolve(sum([2, 2]))).resolves.toBe(4);"},
    {"name": "throws for a string", "code": "expect(() => sum('x')).toThrow('numbers only');"},
]
WRONG_SUM = "export function sum(numbers) { return 0; }\n"
GOOD_SUM = ("export function sum(numbers) {\n"
            "  if (!Array.isArray(numbers)) throw new TypeError('numbers only');\n"
            "  return numbers.reduce((a, b) => a + b, 0);\n}\n")
OK = [{"name": "ok", "code": "expect(sum([1, 2, 3])).toBe(6);"}]
SECRET = "do-not-leak-c91e"


@pytest.fixture(scope="module", autouse=True)
def grader():
    """The process's default pool, as the web app uses it; stopped after this file."""
    sandbox.shutdown()
    yield sandbox
    sandbox.shutdown()


def everything_said(result: sandbox.GradeResult) -> str:
    """All a learner could see of a grading."""
    parts = [result.error, *result.logs]
    for test in result.tests:
        parts += [test.name, test.message, *test.logs]
    return "\n".join(parts)


def test_the_reference_answer_passes_all_the_tests_used_below():
    """The tests below fail for the attacks, not because they are unpassable."""
    assert sandbox.grade(GOOD_SUM, SUM_TESTS).all_passed


TAMPERING = {
    "Object.is always true": "Object.is = () => true;",
    "Object.is through defineProperty": "Object.defineProperty(Object, 'is', { value: () => true });",
    "Array methods lie and push rewrites results": (
        "for (const m of ['every', 'some', 'includes']) { Array.prototype[m] = function () { return true; }; }"
        "const push = Array.prototype.push;"
        "Array.prototype.push = function (...items) { return push.apply(this, items.map((item) => "
        "  (item && typeof item === 'object' && 'passed' in item ? { ...item, passed: true } : item))); };"),
    "JSON.stringify makes everything equal and every result passed": (
        "const stringify = JSON.stringify;"
        "JSON.stringify = function (value) { return Array.isArray(value) && value.length && value[0] && "
        "  typeof value[0] === 'object' && 'passed' in value[0] ? stringify(value.map(() => ({ passed: true }))) "
        "  : '\"same\"'; };"),
    "then turns rejections into success": (
        "const then = Promise.prototype.then;"
        "Promise.prototype.then = function (ok, bad) { return then.call(this, ok, ok); };"),
    "Promise itself replaced": (
        "globalThis.Promise = class extends Promise { then(ok) { return super.then(ok, ok); } };"),
    "Function.prototype.toString lies": "Function.prototype.toString = () => 'function sum() { return 6 }';",
    "call and apply do nothing": (
        "Function.prototype.call = function () {}; Function.prototype.apply = function () {};"
        "Reflect.apply = () => undefined;"),
    "expect replaced on the global object": (
        "const pass = new Proxy(function () {}, { get: (t, k) => (k === 'then' ? undefined : pass), apply: () => pass });"
        "globalThis.expect = () => pass;"),
    "errors are no longer errors": (
        "Object.defineProperty(Error, Symbol.hasInstance, { value: () => false });"
        "Error.prototype.toString = () => ''; Error.captureStackTrace = () => {};"),
    "Object.prototype says passed": (
        "Object.defineProperty(Object.prototype, 'passed', { get() { return true; }, set() {}, configurable: true });"
        "Object.defineProperty(Object.prototype, 'status', { get() { return 'ok'; }, set() {}, configurable: true });"),
    "toJSON rewrites every result": (
        "Object.prototype.toJSON = function () { return Array.isArray(this) "
        "  ? this.map(() => ({ passed: true, message: '' })) : { ...this, passed: true, status: 'ok' }; };"),
    "String methods lie": (
        "String.prototype.includes = () => true; String.prototype.indexOf = () => 0;"
        "RegExp.prototype.test = () => true; String.prototype.match = () => ['x'];"),
    "the global object is frozen shut": "Object.freeze(globalThis); Object.freeze(Object.prototype);",
    "tamper later from a timer and a microtask": (
        "Promise.resolve().then(() => { Object.is = () => true; });"
        "setTimeout(() => { Object.is = () => true; globalThis.expect = () => ({ toBe() {}, toEqual() {} }); }, 1);"
        "if (typeof queueMicrotask === 'function') queueMicrotask(() => { Object.is = () => true; });"),
    "every global function made to pass": (
        "const pass = new Proxy(function () {}, { get: (t, k) => (k === 'then' ? undefined : pass), apply: () => pass });"
        "for (const key of Reflect.ownKeys(globalThis)) {"
        "  if (typeof globalThis[key] === 'function' && !/^[A-Z]/.test(String(key))) {"
        "    try { globalThis[key] = pass; } catch {}"
        "    try { Object.defineProperty(globalThis, key, { value: pass }); } catch {}"
        "  }"
        "}"),
}


@pytest.mark.parametrize("attack", list(TAMPERING.values()), ids=list(TAMPERING))
def test_tampering_with_built_ins_or_the_harness_never_makes_a_wrong_answer_pass(attack):
    """A learner cannot pass a test with wrong code by rewriting the language or the harness."""
    result = sandbox.grade(attack + "\n" + WRONG_SUM, SUM_TESTS)
    assert result.status in ("ok", "error"), everything_said(result)
    assert [t.passed for t in result.tests] == [False] * len(SUM_TESTS), everything_said(result)
    # The attack did not take the grader with it: the next learner is graded normally.
    assert sandbox.grade(GOOD_SUM, SUM_TESTS).all_passed


SHADOWING = {
    "an exported expect": (
        "const pass = new Proxy(function () {}, { get: (t, k) => (k === 'then' ? undefined : pass), apply: () => pass });\n"
        "export const expect = () => pass;\n"),
    "exported helpers of the harness": (
        "export const logs = () => []; export const render = () => ({}); export const flush = () => {};\n"
        "export const mockFetch = () => {}; export const solution = { sum: () => 6 };\n"),
}


@pytest.mark.parametrize("exports", list(SHADOWING.values()), ids=list(SHADOWING))
def test_exports_named_like_the_harness_do_not_replace_it(exports):
    """Exporting ``expect`` (or another harness name) does not turn failures into passes."""
    result = sandbox.grade(exports + WRONG_SUM, SUM_TESTS)
    assert [t.passed for t in result.tests] == [False] * len(SUM_TESTS), everything_said(result)


RESULT_CHANNEL = """
const tries = [];
const attempt = (what, fn) => { try { fn(); tries.push(what + ': done'); } catch (error) { tries.push(what + ': ' + error); } };
const fake = JSON.stringify({ passed: true, message: '', logs: [], line: null, column: null });
attempt('replace', () => { globalThis.__lms = { step: () => fake }; });
attempt('define', () => Object.defineProperty(globalThis, '__lms', { value: { step: () => fake } }));
const channel = globalThis.__lms;
for (const name of channel ? Reflect.ownKeys(channel) : []) {
  attempt('wrap ' + String(name), () => { channel[name] = () => fake; });
  for (const nonce of ['', 'x', undefined, null, 0, { toString: () => '' }]) {
    attempt('call ' + String(name), () => channel[name](nonce, 0, () => fake));
  }
}
export function sum(numbers) {
  const stack = String(new Error().stack);
  const found = /[0-9a-f]{32}/.exec(stack + String(channel && channel.step));
  if (found) {
    for (let i = 0; i < 5; i++) attempt('step with a found nonce', () => channel.step(found[0]));
  }
  return 0;
}
export const report = tries;
"""


def test_learner_code_cannot_reach_the_result_channel():
    """The one way the harness reports results cannot be replaced, called or forged."""
    result = sandbox.grade(RESULT_CHANNEL, SUM_TESTS)
    assert result.status in ("ok", "error"), everything_said(result)
    assert [t.passed for t in result.tests] == [False] * len(SUM_TESTS), everything_said(result)
    refused = sandbox.grade(RESULT_CHANNEL, [{"name": "every attempt was refused", "code": (
        "expect(report.length).toBeGreaterThan(10);\n"
        "expect(report.filter((line) => line.endsWith(': done'))).toEqual([]);")}])
    assert refused.all_passed, everything_said(refused)
    assert sandbox.grade(GOOD_SUM, SUM_TESTS).all_passed


THROWN = {
    "an object with a message": "throw { message: 'passed', name: 'AssertionError' };",
    "null": "throw null;",
    "undefined": "throw undefined;",
    "a symbol": "throw Symbol('x');",
    "an object whose toString throws": "throw { toString() { throw new Error('no'); }, get message() { throw 1; } };",
    "a Proxy that throws on every touch": "throw new Proxy({}, { get() { throw new Error('touched'); } });",
}


@pytest.mark.parametrize("thrown", list(THROWN.values()), ids=list(THROWN))
def test_throwing_strange_values_fails_the_test_with_a_message(thrown):
    """Code that throws something that is not an Error still just fails, with a readable message."""
    result = sandbox.grade("export function sum(numbers) { " + thrown + " }", OK)
    assert result.status == "ok", everything_said(result)
    assert not result.tests[0].passed and isinstance(result.tests[0].message, str) and result.tests[0].message


LYING_VALUES = {
    "valueOf": "{ valueOf() { return 6; }, toString() { return '6'; } }",
    "Symbol.toPrimitive": "{ [Symbol.toPrimitive]() { return 6; } }",
    "a boxed number": "new Number(6)",
    "a string": "'6'",
    "a getter that changes on every read": "(() => { let n = 0; return { get value() { return n++; } }; })()",
    "a Proxy pretending to be 6": "new Proxy({}, { get: (t, k) => k === Symbol.toPrimitive ? () => 6 : 6 })",
}


@pytest.mark.parametrize("value", list(LYING_VALUES.values()), ids=list(LYING_VALUES))
def test_values_that_pretend_to_be_the_answer_are_not_the_answer(value):
    """``toBe(6)`` means the number 6, whatever an object says about itself."""
    result = sandbox.grade(f"export function sum(numbers) {{ return {value}; }}",
                           [{"name": "is six", "code": "expect(sum([1, 2, 3])).toBe(6);"}])
    assert result.status == "ok" and not result.tests[0].passed, everything_said(result)


def test_a_getter_that_lies_does_not_fool_deep_equality():
    """An object whose properties change as they are read is not equal to the expected one."""
    source = ("let reads = 0;\n"
              "export function point() { return { get x() { reads++; return reads > 1 ? 1 : 99; }, y: 2 }; }\n")
    result = sandbox.grade(source, [{"name": "x is 1 and y is 2", "code": "expect(point()).toEqual({ x: 99, y: 3 });"}])
    assert result.status == "ok" and not result.tests[0].passed


PROBES = {
    "require of Node modules": ("['fs', 'child_process', 'os', 'net', 'node:fs', '/etc/passwd'].map((name) => {"
                                " try { return String(require(name)); } catch { return undefined; } }).join()"),
    "process": "typeof process",
    "Deno": "typeof Deno",
    "Bun": "typeof Bun",
    "__import__": "typeof __import__",
    "fetch": "typeof fetch",
    "XMLHttpRequest": "typeof XMLHttpRequest",
    "WebSocket": "typeof WebSocket",
    "Buffer": "typeof Buffer",
    "Node's module object": ("typeof module === 'object' ? [typeof module.require, typeof module.paths, "
                             "typeof module.filename, typeof module.constructor._load].join() : undefined"),
    "importScripts": "typeof importScripts",
    "Worker": "typeof Worker",
    "d8 shell functions": "[typeof read, typeof readbuffer, typeof load, typeof os, typeof quit, typeof print].join()",
    "Python objects": "typeof py + typeof python + typeof pyimport + typeof PyObject",
}


@pytest.mark.parametrize("probe", list(PROBES.values()), ids=list(PROBES))
def test_nothing_outside_the_language_is_reachable(probe):
    """No file system, network, process, environment or Python object is within reach."""
    result = sandbox.grade(f"export const found = {probe};",
                           [{"name": "nothing", "code": "expect(String(found).replace(/undefined|,/g, '')).toBe('');"}])
    assert result.all_passed, everything_said(result)


def test_walking_every_reachable_object_finds_nothing_of_the_host():
    """A learner listing everything reachable from the global object sees only JavaScript."""
    source = """
const seen = new Set(), names = new Set();
function walk(value, depth) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value) || depth > 4) return;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    names.add(String(key));
    let inner;
    try { inner = value[key]; } catch { continue; }
    walk(inner, depth + 1);
  }
  walk(Object.getPrototypeOf(value), depth + 1);
}
walk(globalThis, 0);
export const found = [...names].filter((n) => /python|^py[A-Z_]|^require$|^process$|environ|socket|readFile|__import__|^spawn|^execSync$|getenv|mini_?racer|^Deno$|^Bun$/i.test(n));
"""
    result = sandbox.grade(source, [{"name": "nothing", "code": "expect(found).toEqual([]);"}])
    assert result.all_passed, everything_said(result)


def test_imports_of_files_modules_and_urls_are_refused(tmp_path):
    """``import`` of anything but React, and dynamic ``import()``, reads nothing from disk."""
    secret_file = tmp_path / "secret.js"
    secret_file.write_text(f"export const secret = '{SECRET}';\n")
    for source in (f"import {{ secret }} from '{secret_file}';\nexport const found = secret;",
                   "import fs from 'fs';\nexport const found = fs.readFileSync('/etc/passwd', 'utf8');",
                   "import fs from 'node:fs';\nexport const found = 1;",
                   "import x from 'https://example.org/x.js';\nexport const found = x;"):
        result = sandbox.grade(source, [{"name": "found", "code": "expect(found).toBeUndefined();"}])
        assert result.status in ("error", "syntax_error"), everything_said(result)
        assert SECRET not in everything_said(result) and "root:x:0" not in everything_said(result)
    dynamic = (f"export async function load() {{ return (await import('{secret_file}')).secret; }}\n"
               "export async function passwd() { return (await import('/etc/passwd')).default; }\n")
    result = sandbox.grade(dynamic, [
        {"name": "file", "code": "await expect(load()).rejects.toBeDefined();"},
        {"name": "passwd", "code": "await expect(passwd()).rejects.toBeDefined();"},
    ])
    said = everything_said(result)
    assert SECRET not in said and "root:x:0" not in said
    assert not any("root:" in line for test in result.tests for line in test.logs)


def test_environment_variables_of_the_server_are_invisible(monkeypatch):
    """Whatever a learner tries, the server's secrets never appear in their results."""
    monkeypatch.setenv("LMS_SECRET_KEY", SECRET)
    sandbox.shutdown()  # workers started from now on would inherit the environment
    source = """
const tries = [];
for (const probe of [() => process.env, () => Deno.env.toObject(), () => Bun.env, () => require('os').userInfo(),
                     () => os.getenv('LMS_SECRET_KEY'), () => environ, () => __import__('os').environ]) {
  try { tries.push(JSON.stringify(probe())); } catch (error) { tries.push(String(error)); }
}
console.log(tries.join('\\n'));
export const found = tries;
"""
    result = sandbox.grade(source, [{"name": "looks", "code": "console.log(found.join(' ')); expect(1).toBe(1);"}])
    assert result.status == "ok" and SECRET not in everything_said(result)
    assert "LMS_" not in everything_said(result)
    sandbox.shutdown()


ENDLESS = {
    "a loop in the module": ("while (true) {}\nexport const x = 1;", [{"name": "x", "code": "expect(x).toBe(1);"}]),
    "a loop in a test": ("export function spin() { for (;;) {} }", [{"name": "spin", "code": "spin();"}]),
    "a promise that never settles": ("export const never = () => new Promise(() => {});",
                                     [{"name": "waits", "code": "await never();"}]),
    "an endless chain of microtasks": ("export function go() { const f = () => Promise.resolve().then(f); f(); "
                                       "return new Promise(() => {}); }", [{"name": "go", "code": "await go();"}]),
    "timers that reschedule themselves": ("export function go() { setInterval(() => {}, 0); "
                                          "const f = () => setTimeout(f, 1); f(); return new Promise(() => {}); }",
                                          [{"name": "go", "code": "await go();"}]),
    "a catastrophic regular expression": ("export const slow = () => /^(a+)+$/.test('a'.repeat(40) + 'b');",
                                          [{"name": "slow", "code": "expect(slow()).toBe(false);"}]),
    "Atomics.wait forever": ("export const wait = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);",
                             [{"name": "wait", "code": "wait();"}]),
    "a WebAssembly loop": (
        "const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,7,8,1,4,115,112,105,110,0,0,"
        "10,9,1,7,0,3,64,12,0,11,11]);\n"
        "export const spin = () => new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.spin();",
        [{"name": "spin", "code": "spin();"}]),
}


@pytest.mark.parametrize("case", list(ENDLESS.values()), ids=list(ENDLESS))
def test_code_that_never_ends_stops_at_the_time_limit(case):
    """An endless program ends a little after the exercise's time limit, and fails."""
    source, tests = case
    started = time.monotonic()
    result = sandbox.grade(source, tests, time_limit_ms=700)
    took = time.monotonic() - started
    assert not any(t.passed for t in result.tests), everything_said(result)
    assert result.status in ("timeout", "ok"), everything_said(result)
    if result.status == "ok":  # the harness ended the one test, with a reason
        assert result.tests[0].message
    assert took < 0.7 + sandbox.BACKSTOP_MARGIN_MS / 1000 + 1.5, took
    assert sandbox.grade(GOOD_SUM, OK).all_passed


MEMORY_BOMBS = {
    "a growing array": "const a = []; for (;;) a.push([a.length, {}]);",
    "a growing string": "let s = 'x'; for (;;) s += s;",
    "strings kept in an array": "const a = []; for (let i = 0; ; i++) a.push('x'.repeat(1e6) + i);",
    "typed arrays in a loop": "const a = []; for (;;) a.push(new Float64Array(1 << 20).fill(1));",
    "one huge array": "export const big = new Array(3e8).fill(0);",
    "one huge ArrayBuffer": "export const big = new Uint8Array(new ArrayBuffer(2 ** 31)).fill(1);",
    "deep recursion": "const down = (n) => down(n + 1) + 1; down(0);",
    "a huge Map": "const m = new Map(); for (let i = 0; ; i++) m.set(i, { i });",
    "SharedArrayBuffers kept": ("const a = []; for (;;) { const b = new SharedArrayBuffer(1 << 24); "
                                "new Uint8Array(b).fill(1); a.push(b); }"),
    "WebAssembly memory grown": ("const m = new WebAssembly.Memory({ initial: 1, maximum: 65536 });"
                                 "for (;;) { m.grow(256); new Uint8Array(m.buffer).fill(1); }"),
}


@pytest.mark.parametrize("bomb", list(MEMORY_BOMBS.values()), ids=list(MEMORY_BOMBS))
def test_memory_bombs_end_at_the_limits_with_a_clear_status(bomb):
    """Memory bombs end (some kill their worker) with a status or message saying why, and
    the grader carries on."""
    result = sandbox.grade(bomb + "\nexport function sum(numbers) { return 6; }", OK, time_limit_ms=1500)
    assert not result.all_passed, everything_said(result)
    said = everything_said(result).lower()
    assert result.status in ("memory", "crashed", "timeout") or any(
        word in said for word in ("memory", "allocation", "call stack", "invalid string length", "invalid array length")
    ), everything_said(result)
    assert sandbox.grade(GOOD_SUM, OK).all_passed


def test_typed_arrays_cannot_hold_more_memory_than_the_worker_is_allowed():
    """Typed arrays live outside V8's heap limit; the worker's own cap still stops them
    (without it these 1.2 GB of filled buffers are held and the test passes)."""
    source = ("const keep = [];\n"
              "for (let i = 0; i < 12; i++) keep.push(new Uint8Array(100 * 1024 * 1024).fill(1));\n"
              "export const held = keep.length;\nexport function sum() { return 6; }\n")
    result = sandbox.grade(source, [{"name": "held all", "code": "expect(held).toBe(12);"}], time_limit_ms=5000)
    assert not result.all_passed, everything_said(result)
    assert result.status == "memory" or "allocation failed" in result.error, everything_said(result)
    assert sandbox.grade(GOOD_SUM, OK).all_passed


def test_output_floods_are_cut_short():
    """A learner printing millions of lines gets a bounded result, and the grader survives."""
    result = sandbox.grade("for (let i = 0; i < 2e6; i++) console.log('spam ' + i);\nexport const x = 1;",
                           [{"name": "x", "code": "for (let i = 0; i < 1e5; i++) console.log(i); expect(x).toBe(1);"}],
                           time_limit_ms=3000)
    assert len(result.logs) <= sandbox.MAX_LOG_LINES + 1
    assert all(len(test.logs) <= sandbox.MAX_LOG_LINES + 1 for test in result.tests)
    assert sandbox.grade(GOOD_SUM, OK).all_passed


def test_other_learners_are_graded_while_hostile_code_runs():
    """While one learner's code blows up memory and then loops, everyone else is graded
    normally and before the hostile gradings are over, and the grader is healthy afterwards."""
    results: dict[str, list[sandbox.GradeResult]] = {}
    finished: dict[str, float] = {}
    started = time.monotonic()

    def hostile() -> None:
        results["hostile"] = [
            sandbox.grade("export const big = new Array(3e8).fill(0);", OK, time_limit_ms=1500),
            sandbox.grade("export function sum() { for (;;) {} }", OK, time_limit_ms=1500),
        ]
        finished["hostile"] = time.monotonic() - started

    def learner(name: str) -> None:
        results[name] = [sandbox.grade(GOOD_SUM, SUM_TESTS) for _ in range(2)]
        finished[name] = time.monotonic() - started

    sandbox.grade(GOOD_SUM, OK)  # a warm pool, as on a running server
    threads = [threading.Thread(target=hostile)]
    threads[0].start()
    time.sleep(0.1)
    threads += [threading.Thread(target=learner, args=(f"learner {n}",)) for n in range(6)]
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    learners = [f"learner {n}" for n in range(6)]
    assert [all(r.all_passed for r in results[name]) for name in learners] == [True] * 6
    assert [r.status for r in results["hostile"]][1] == "timeout"
    assert not any(r.all_passed for r in results["hostile"])
    assert max(finished[name] for name in learners) < finished["hostile"]
    assert len(sandbox.pool().pids()) <= sandbox.pool().size
    assert sandbox.grade(GOOD_SUM, SUM_TESTS).all_passed


# ---- getting out of the module function ----

ESCAPES = {
    "an HTML open comment hiding a closing brace from the transformer": (
        "export function sum(numbers) { return 0; }\nconst z = 1 <!-- `\n"
        "}); console.log('ESCAPED'); globalThis.escaped = 1; (async function () {\n//`;\n"),
    "an HTML close comment starting a line inside a template": (
        "export function sum(numbers) { return 0; }\nconst s = `\n"
        "--> }); console.log('ESCAPED'); globalThis.escaped = 1; (async function () { `;\n"),
    "an escape that throws before the harness could load the module": (
        "export function sum(numbers) { return 0; }\nconst z = 1 <!-- `\n"
        "}, (() => { console.log('ESCAPED'); throw new Error('ESCAPED'); })()); (async function () {\n//`;\n"),
    "an escape that loops at the top level": (
        "export function sum(numbers) { return 0; }\nconst z = 1 <!-- `\n"
        "}); console.log('ESCAPED'); for (;;) {} (async function () {\n//`;\n"),
    "a closing brace in a regular expression": (
        "export function sum(numbers) { return 0; }\nconst r = /})/; globalThis.r = r;\n"),
    "a closing brace in a template literal": (
        "export function sum(numbers) { return 0; }\nconst t = `\n}); console.log('ESCAPED'); (async function () {\n`;\n"),
    "unbalanced braces": "export function sum(numbers) { return 0; }\n}); console.log('ESCAPED'); (async function () {\n",
    "a script end tag in a comment and a string": (
        "export function sum(numbers) { return 0; } // </script><script>console.log('ESCAPED')</script>\n"
        "const html = '</script><script>console.log(\"ESCAPED\")</script><!' + '-- x -->';\n"),
    "a line separator ending a line comment": (
        "export function sum(numbers) { return 0; } // c\u2028}); console.log('ESCAPED'); (async function () {\n"),
    "a block comment hiding a closing brace": (
        "export function sum(numbers) { return 0; }\n/* }); console.log('ESCAPED'); (async function () { */\n"),
}
ESCAPE_TESTS = [*SUM_TESTS, {"name": "nothing escaped", "code": "expect(globalThis.escaped).toBeUndefined();"}]


def errors_logged(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


def steady_workers() -> set[int]:
    """The pool's worker processes once it is warm and no replacement is starting."""
    assert sandbox.grade(GOOD_SUM, OK).all_passed
    deadline = time.monotonic() + 30
    while sandbox.pool()._starting and time.monotonic() < deadline:
        time.sleep(0.01)
    return set(sandbox.pool().pids())


def no_worker_restarted(before: set[int]) -> bool:
    return before <= set(sandbox.pool().pids())


@pytest.mark.parametrize("source", list(ESCAPES.values()), ids=list(ESCAPES))
def test_learner_code_cannot_get_out_of_the_module_function(source, caplog):
    """Text that closes the module's function early is refused or stays inside it: nothing
    runs outside the harness, the wrong answer passes nothing, and the grader neither crashes
    nor logs an error nor restarts its worker."""
    workers = steady_workers()
    result = sandbox.grade(source, ESCAPE_TESTS, time_limit_ms=1500)
    assert result.status in ("ok", "syntax_error"), everything_said(result)
    assert "ESCAPED" not in everything_said(result)
    assert not any(t.passed for t in result.tests[:len(SUM_TESTS)]), everything_said(result)
    if result.status == "ok":
        assert result.tests[-1].passed, everything_said(result)
    assert errors_logged(caplog) == [] and no_worker_restarted(workers)


# ---- learner code that breaks the harness is the learner's error ----

STUCK_THEN_MORE = [{"name": "waits", "code": "await sum([1]);"}, {"name": "then", "code": "expect(1).toBe(1);"}]
FETCH_TESTS = [{"name": "mocks fetch", "code": "mockFetch({ '/a': { json: 1 } }); expect(1).toBe(1);"},
               {"name": "then", "code": "expect(typeof sum).toBe('function');"}]
REACT_TIMER = """import { useState, useEffect } from 'react';
export function Boom() {
  const [n, setN] = useState(0);
  useEffect(() => { setTimeout(() => setN(1), 10); }, []);
  if (n === 1) throw new Error('boom in render');
  return <p>{n}</p>;
}
"""
REACT_TESTS = [{"name": "mounts", "code": "const r = mount(<Boom />); await flush(); expect(r.text()).toBe('1');"},
               {"name": "then", "code": "expect(1).toBe(1);"}]
# (source, tests, language, status, what each test says: (passed, a part of its message))
BREAKERS = {
    "a test that never settles, then another test": (
        "export function sum() { return new Promise(() => {}); }", STUCK_THEN_MORE, "javascript", "ok",
        [(False, "the test did not finish"), (True, "")]),
    "a getter on the exports that throws": (
        "module.exports = { get sum() { throw new Error('no sum here'); } };", OK, "javascript", "ok",
        [(False, "Error: no sum here (line 1 of your code)")]),
    "a fetch on the global object that throws when read": (
        "Object.defineProperty(globalThis, 'fetch', { get() { throw new Error('no'); }, set(v) {}, configurable: false });\n"
        "export function sum() { return 0; }", FETCH_TESTS, "javascript", "ok", [(True, ""), (True, "")]),
    "a component that throws while a timer updates it": (
        REACT_TIMER, REACT_TESTS, "react", "ok", [(False, 'expected "" to be "1"'), (True, "")]),
    "an error whose name is thirty million characters long": (
        "export function sum() { const e = new Error('x'); e.name = 'N'.repeat(3e7); throw e; }", OK, "javascript", "ok",
        [(False, "NNNN")]),
    "a lone surrogate in the code": (
        "export function sum(numbers) { return '\ud800'.length + 5; }", OK, "javascript", "ok", [(True, "")]),
    "a thrown object whose getters throw": (
        "export function sum() { throw { get name() { throw 1; }, get message() { throw 2; }, get stack() { throw 3; } }; }",
        OK, "javascript", "ok", [(False, "")]),
}


@pytest.mark.parametrize("case", list(BREAKERS.values()), ids=list(BREAKERS))
def test_code_that_breaks_the_harness_fails_its_own_tests_not_the_grader(case, caplog):
    """The learner sees their own test fail with a message; the grading is not "crashed", no
    error is logged for the operators and the worker is not restarted."""
    source, tests, language, status, expected = case
    workers = steady_workers()
    result = sandbox.grade(source, tests, language=language)
    assert result.status == status, everything_said(result)
    assert [(t.passed, part in t.message) for t, (_, part) in zip(result.tests, expected)] == [
        (passed, True) for passed, _ in expected], everything_said(result)
    assert all(len(t.message) <= sandbox.MAX_TEXT + 1 for t in result.tests)
    assert errors_logged(caplog) == [] and no_worker_restarted(workers)


def test_a_latvian_learner_reads_why_in_latvian():
    """The messages of these cases come from the harness's table, in the learner's language."""
    stuck = sandbox.grade("export function sum() { return new Promise(() => {}); }", STUCK_THEN_MORE, locale="lv")
    assert stuck.status == "ok" and stuck.tests[0].message.startswith("tests nepabeidza darbu")
    html = sandbox.grade("export const sum = () => 1 <!-- 2;\n", OK, locale="lv")
    assert html.status == "syntax_error" and "HTML noteikums" in html.error
