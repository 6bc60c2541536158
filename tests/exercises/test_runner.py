"""The exercise runner: learner code and tests in one fresh V8 context (real mini-racer).

These call ``runner.run_tests`` directly, in this process, as a grader worker does; the
sandbox tests check the processes around it. The hostile cases each pair a wrong answer
with an attack on the harness: they fail if the protection they name is taken away (the
realm freezing, the harness's private references, the nonce on its entry points).
"""

from __future__ import annotations

import json

import pytest
from py_mini_racer import MiniRacer

from lms.exercises import runner

SUM = "export function sum(numbers) {\n  return numbers.reduce((a, b) => a + b, 0);\n}\n"
WRONG_SUM = "export function sum(numbers) {\n  return 0;\n}\n"


def run(source, *codes, **kwargs):
    """Grade source with one test per code string (named t0, t1, ...)."""
    tests = [{"name": f"t{i}", "code": code} for i, code in enumerate(codes)]
    return runner.run_tests(source, tests, **kwargs)


def outcomes(result):
    return [(t["passed"], t["message"]) for t in result["tests"]]


def one(source, code, **kwargs):
    """The single test's (passed, message) of grading source with code."""
    result = run(source, code, **kwargs)
    assert result["status"] == "ok", result
    return outcomes(result)[0]


# ---- the result and the module ----

def test_a_passing_and_a_failing_test_are_reported_in_order_with_names():
    """Each test comes back by name, in order: passed with no message, or failed saying why."""
    result = runner.run_tests(SUM, [
        {"name": "adds three numbers", "code": "expect(sum([1, 2, 3])).toBe(6);"},
        {"name": "adds wrongly", "code": "expect(sum([1, 2, 3])).toBe(7);"},
    ])
    assert result["status"] == "ok" and result["error"] == "" and result["line"] is None
    assert result["tests"] == [
        {"name": "adds three numbers", "passed": True, "message": "", "logs": []},
        {"name": "adds wrongly", "passed": False, "message": "expected 6 to be 7", "logs": []},
    ]


def test_named_exports_default_export_and_solution_are_visible_to_tests():
    """Tests see each named export as a variable and the whole module as `solution`."""
    source = "export const rate = 0.21;\nexport default function vat(x) { return x * rate; }\nexport class Box {}\n"
    assert one(source, "expect(rate).toBe(0.21); expect(solution.default(100)).toBe(21);"
                       "expect(new Box()).toBeInstanceOf(Box); expect(solution.rate).toBe(rate);") == (True, "")


def test_module_logs_and_test_logs_are_kept_apart():
    """console output while the module loads is the grading's; each test keeps its own."""
    source = "console.log('loading', 1 + 1);\nexport function hi(n) { console.info('hi', n); console.error({ n }); return n; }\n"
    result = run(source, "hi(1); expect(logs()).toEqual(['loading 2', 'hi 1', '{ n: 1 }']);", "hi([2, 'x']);")
    assert result["logs"] == ["loading 2"]
    assert result["tests"][0]["passed"], result["tests"][0]
    assert result["tests"][0]["logs"] == ["hi 1", "{ n: 1 }"]
    assert result["tests"][1]["logs"] == ['hi [ 2, "x" ]', '{ n: [ 2, "x" ] }']


def test_console_format_specifiers_are_applied():
    """console.log('%s has %d items', ...) writes the values into the text, as browsers do."""
    source = "export function f() { console.log('%s has %d items (100%%)', 'cart', 3, 'extra'); }\n"
    result = run(source, "f();")
    assert result["tests"][0]["logs"] == ["cart has 3 items (100%) extra"]


def test_each_grading_gets_a_fresh_context():
    """What one learner's code leaves behind (globals) is gone for the next grading."""
    first = run("globalThis.leftOver = 'secret';\nexport const x = 1;\n", "expect(globalThis.leftOver).toBe('secret');")
    second = run("export const x = 1;\n", "expect(globalThis.leftOver).toBeUndefined();")
    assert outcomes(first) == [(True, "")] and outcomes(second) == [(True, "")]


def test_module_state_carries_from_one_test_to_the_next_within_a_grading():
    """Tests of one grading share the module, like tests in one file."""
    source = "let n = 0;\nexport function next() { n += 1; return n; }\n"
    assert outcomes(run(source, "expect(next()).toBe(1);", "expect(next()).toBe(2);")) == [(True, ""), (True, "")]


def test_a_module_may_use_top_level_await_and_commonjs_exports():
    """An ES module may await at the top; `module.exports = ...` works too."""
    assert one("const v = await Promise.resolve(5);\nexport const value = v;\n", "expect(value).toBe(5);") == (True, "")
    assert one("module.exports = { twice: (x) => x * 2 };\n", "expect(twice(4)).toBe(8);") == (True, "")


def test_importing_anything_fails_on_load_with_the_line():
    """Plain JavaScript exercises cannot import modules; the message names the module."""
    result = run("export const a = 1;\nimport _ from 'lodash';\n", "expect(a).toBe(1);")
    assert result["status"] == "error"
    assert "Cannot import 'lodash'" in result["error"]
    assert result["tests"][0]["passed"] is False and result["tests"][0]["message"].startswith("Not run")


# ---- syntax errors and load errors, at the learner's own line ----

@pytest.mark.parametrize(("source", "message", "line", "column"), [
    ("export function f() {\n  return 1 +;\n}\n", "Unexpected token ';'", 2, 13),
    ("let a = 1;\nexport function f() {\n  let b = 2;\n  let b = 3;\n}\n", "Identifier 'b' has already been declared", 4, 7),
    ("export const x = [1, 2;\n", "Unexpected token ';'", 1, 23),
    ("import { a } from 'b';\nconst s = 'unclosed;\n", "Invalid or unexpected token", 2, 11),
    ("export default function () {\n  return await 1;\n}\n", "await is only valid in async functions and the top level bodies of modules", 2, 10),
])
def test_syntax_errors_come_back_with_v8s_message_line_and_column(source, message, line, column):
    """A syntax error names V8's message and the line and column in the learner's own code."""
    result = run(source, "expect(1).toBe(1);")
    assert result["status"] == "syntax_error"
    assert (result["error"], result["line"], result["column"]) == (message, line, column)
    assert result["tests"] == [{"name": "t0", "passed": False, "message": runner.NOT_RUN["syntax_error"], "logs": []}]


def test_a_jsx_syntax_error_names_its_line():
    """In a React exercise a broken tag is reported at its line."""
    source = "export function App() {\n  return (\n    <div>\n      <p>Hi</div>\n  );\n}\n"
    result = run(source, "expect(1).toBe(1);", language="react")
    assert result["status"] == "syntax_error" and result["line"] == 4 and result["error"]


def test_an_error_while_the_module_loads_is_reported_with_its_line_and_logs():
    """Code that throws at load time: status error, V8's message, the line, what it logged."""
    source = "export const a = 1;\nconsole.log('before');\nconst settings = null;\nsettings.theme = 'dark';\n"
    result = run(source, "expect(a).toBe(1);")
    assert result["status"] == "error"
    assert result["error"] == "TypeError: Cannot set properties of null (setting 'theme')"
    assert (result["line"], result["column"]) == (4, 16)
    assert result["logs"] == ["before"]
    assert result["tests"][0]["message"] == runner.NOT_RUN["error"]


def test_an_error_inside_the_learners_function_names_the_line_in_the_test_message():
    """A test that fails because the learner's code threw says what and where."""
    source = "export function total(items) {\n  let sum = 0;\n  return items.lenght.map((x) => sum + x);\n}\n"
    passed, message = one(source, "expect(total([1])).toBe(1);")
    assert not passed
    assert message == "TypeError: Cannot read properties of undefined (reading 'map') (line 3 of your code)"


def test_a_test_with_broken_code_fails_alone():
    """A test whose own code does not compile fails with that reason; the others still run."""
    result = run(SUM, "expect(sum([1])).toBe(1);", "expect(sum([1]).toBe(1);")
    assert result["status"] == "ok"
    assert result["tests"][0]["passed"] is True
    assert result["tests"][1]["passed"] is False
    assert result["tests"][1]["message"].startswith("this test's code has a syntax error: ")


def test_a_test_that_never_finishes_fails_with_a_reason():
    """A test waiting on a promise that never settles fails at once instead of hanging."""
    passed, message = one(SUM, "await new Promise(() => {});")
    assert not passed and "did not finish" in message


def test_an_endless_loop_ends_at_the_time_limit():
    """An infinite loop stops at the time limit: status timeout, every test failed."""
    result = run("export function f() { while (true) {} }\n", "f();", "expect(1).toBe(1);", time_limit_ms=300)
    assert result["status"] == "timeout" and "300 ms" in result["error"]
    assert [t["passed"] for t in result["tests"]] == [False, False]
    assert result["tests"][0]["message"] == runner.NOT_RUN["timeout"]


def test_a_growing_array_ends_at_the_heap_limit():
    """Code that fills the heap stops with status memory, not a crash."""
    source = "export function f() { const a = []; while (true) a.push(new Array(10000).fill(1)); }\n"
    result = run(source, "f();", time_limit_ms=5000, heap_limit_bytes=64 << 20)
    assert result["status"] == "memory" and result["tests"][0]["message"] == runner.NOT_RUN["memory"]


def test_bad_arguments_are_refused():
    """An unknown language or environment, or a test without a name, is a programming error."""
    with pytest.raises(ValueError, match="language"):
        runner.run_tests(SUM, [], language="python")
    with pytest.raises(ValueError, match="environment"):
        runner.run_tests(SUM, [], environment="node")
    with pytest.raises(ValueError, match="name"):
        runner.run_tests(SUM, [{"code": "1"}])


# ---- the matchers ----

MATCHERS = [
    ("expect(2 + 2).toBe(4)", True, ""),
    ("expect({ a: 1 }).toBe({ a: 1 })", False, "expected { a: 1 } to be { a: 1 } (they are equal but not the same object: use toEqual)"),
    ("expect(NaN).toBe(NaN)", True, ""),
    ("expect(0).toBe(-0)", False, "expected 0 to be -0"),
    ("expect({ a: [1, { b: 2 }], c: undefined }).toEqual({ a: [1, { b: 2 }] })", True, ""),
    ("expect([1, 2]).toEqual([1, 2, 3])", False, "expected [ 1, 2 ] to equal [ 1, 2, 3 ]"),
    ("expect(new Map([[1, 'a']])).toEqual(new Map([[1, 'a']]))", True, ""),
    ("expect(new Set([1, 2])).toEqual(new Set([2, 3]))", False, "expected Set(2) { 1, 2 } to equal Set(2) { 2, 3 }"),
    ("expect(new Date(5)).toEqual(new Date(5))", True, ""),
    ("expect([1]).toEqual({ 0: 1 })", False, "expected [ 1 ] to equal { \"0\": 1 }"),
    ("expect(0.1 + 0.2).toBeCloseTo(0.3)", True, ""),
    ("expect(3.14159).toBeCloseTo(3.14, 3)", False, "expected 3.14159 to be close to 3.14 (3 decimal places)"),
    ("expect('x').toBeTruthy()", True, ""),
    ("expect(0).toBeTruthy()", False, "expected 0 to be truthy"),
    ("expect('').toBeFalsy()", True, ""),
    ("expect([]).toBeFalsy()", False, "expected [] to be falsy"),
    ("expect(null).toBeNull()", True, ""),
    ("expect(undefined).toBeNull()", False, "expected undefined to be null"),
    ("expect(undefined).toBeUndefined()", True, ""),
    ("expect(null).toBeUndefined()", False, "expected null to be undefined"),
    ("expect(0).toBeDefined()", True, ""),
    ("expect(undefined).toBeDefined()", False, "expected undefined to be defined"),
    ("expect(Number('x')).toBeNaN()", True, ""),
    ("expect(1).toBeNaN()", False, "expected 1 to be NaN"),
    ("expect([1, 2, NaN]).toContain(NaN)", True, ""),
    ("expect('hello world').toContain('lo w')", True, ""),
    ("expect(['a']).toContain('b')", False, "expected [ \"a\" ] to contain \"b\""),
    ("expect(42).toContain(4)", False, "expected a string or an array, but got 42"),
    ("expect([1, 2, 3]).toHaveLength(3)", True, ""),
    ("expect('abc').toHaveLength(2)", False, "expected \"abc\" to have length 2, but its length is 3"),
    ("expect({ a: { b: [0, { c: 5 }] } }).toHaveProperty('a.b[1].c', 5)", True, ""),
    ("expect({ a: { b: 1 } }).toHaveProperty(['a', 'b'])", True, ""),
    ("expect({ a: 1 }).toHaveProperty('b')", False, "expected { a: 1 } to have property \"b\""),
    ("expect({ a: 1 }).toHaveProperty('a', 2)", False, "expected { a: 1 } to have property \"a\" equal to 2, but it is 1"),
    ("expect('Total: 12 EUR').toMatch(/\\d+ EUR$/)", True, ""),
    ("expect('abc').toMatch('bc')", True, ""),
    ("expect('abc').toMatch(/^b/)", False, "expected \"abc\" to match /^b/"),
    ("expect(5).toMatch(/5/)", False, "expected a string, but got 5"),
    ("expect(3).toBeGreaterThan(2)", True, ""),
    ("expect(2).toBeGreaterThan(2)", False, "expected 2 to be greater than 2"),
    ("expect(2).toBeGreaterThanOrEqual(2)", True, ""),
    ("expect(1).toBeGreaterThanOrEqual(2)", False, "expected 1 to be greater than or equal to 2"),
    ("expect(1n).toBeLessThan(2n)", True, ""),
    ("expect(3).toBeLessThan(2)", False, "expected 3 to be less than 2"),
    ("expect(2).toBeLessThanOrEqual(2)", True, ""),
    ("expect('3').toBeLessThanOrEqual(4)", False, "expected a number, but got \"3\""),
    ("expect(new TypeError('x')).toBeInstanceOf(Error)", True, ""),
    ("expect({}).toBeInstanceOf(Array)", False, "expected {} to be an instance of Array"),
    ("expect(() => { throw new RangeError('too big') }).toThrow()", True, ""),
    ("expect(() => { throw new RangeError('too big') }).toThrow('big')", True, ""),
    ("expect(() => { throw new RangeError('too big') }).toThrow(/^too/)", True, ""),
    ("expect(() => { throw new RangeError('too big') }).toThrow(RangeError)", True, ""),
    ("expect(() => { throw new RangeError('too big') }).toThrow(TypeError)", False,
     "expected the code to throw an instance of TypeError, but it threw RangeError: too big"),
    ("expect(() => 1).toThrow()", False, "expected the code to throw, but it did not throw"),
    ("expect(() => { throw new Error('x') }).not.toThrow()", False, "expected the code not to throw, but it threw Error: x"),
    ("expect(5).toThrow()", False, "expect(...).toThrow() needs a function, e.g. expect(() => f(1)).toThrow(), but got 5"),
    ("expect(1).not.toBe(2)", True, ""),
    ("expect(1).not.toBe(1)", False, "expected 1 not to be 1"),
    ("expect([1, 2]).not.toEqual([1, 2])", False, "expected [ 1, 2 ] not to equal [ 1, 2 ]"),
    ("expect('abc').not.toContain('b')", False, "expected \"abc\" not to contain \"b\""),
    ("expect(1, 2)", False, "expect takes one value; the expected value goes in the matcher, e.g. expect(a).toBe(b)"),
]


@pytest.mark.parametrize(("code", "passes", "message"), MATCHERS, ids=[m[0][:60] for m in MATCHERS])
def test_matchers(code, passes, message):
    """Every matcher passes when it should and otherwise says exactly what it expected."""
    assert one("export const x = 1;\n", code + ";") == (passes, message)


RESOLVES = [
    ("await expect(Promise.resolve(3)).resolves.toBe(3)", True, ""),
    ("await expect(Promise.resolve(3)).resolves.not.toBe(4)", True, ""),
    ("await expect(Promise.resolve(3)).resolves.toBe(4)", False, "expected 3 to be 4"),
    ("await expect(Promise.reject(new Error('no'))).resolves.toBe(4)", False,
     "expected the promise to resolve, but it rejected with Error: no"),
    ("await expect(Promise.reject(new Error('no'))).rejects.toThrow('no')", True, ""),
    ("await expect(Promise.reject(new TypeError('no'))).rejects.toBeInstanceOf(TypeError)", True, ""),
    ("await expect(Promise.resolve(1)).rejects.toThrow()", False, "expected the promise to reject, but it resolved to 1"),
    ("await expect(5).resolves.toBe(5)", False, "expected a promise after .resolves, but got 5"),
    ("expect(Promise.resolve(1)).resolves.toBe(2)", False, "expected 1 to be 2"),
]


@pytest.mark.parametrize(("code", "passes", "message"), RESOLVES, ids=[m[0][:60] for m in RESOLVES])
def test_resolves_and_rejects(code, passes, message):
    """.resolves/.rejects wait for the promise; one that is not awaited still counts."""
    assert one("export const x = 1;\n", code + ";") == (passes, message)


def test_async_learner_code_is_awaited():
    """An async function's result can be awaited in a test, and its errors fail the test."""
    source = "export async function load(ok) {\n  await null;\n  if (!ok) throw new Error('load failed');\n  return 'data';\n}\n"
    assert outcomes(run(source, "expect(await load(true)).toBe('data');", "await load(false);")) == [
        (True, ""), (False, "Error: load failed (line 3 of your code)")]


# ---- differences a person cannot see ----

PRICE = ("export function price(n) {\n"
         "  return new Intl.NumberFormat('lv-LV', { style: 'currency', currency: 'EUR' }).format(n);\n"
         "}\n")

INVISIBLE = [
    ("expect(price(12.5)).toBe('12,50 €')",
     'expected "12,50\\u00a0€" to be "12,50 €" (the texts look alike but differ in characters you cannot see: '
     "your text has a no-break space (\\u00a0))"),
    ("expect(price(12.5)).toEqual('12,50 €')",
     'expected "12,50\\u00a0€" to equal "12,50 €" (the texts look alike but differ in characters you cannot see: '
     "your text has a no-break space (\\u00a0))"),
    ("expect('Cena: ' + price(3)).toContain('3,00 €')",
     'expected "Cena: 3,00\\u00a0€" to contain "3,00 €" (it is there, but with characters you cannot see in a '
     "different place: your text has a no-break space (\\u00a0))"),
    ("expect('Kopā: 5 EUR ').toBe('Kopā: 5 EUR')",
     'expected "Kopā: 5 EUR " to be "Kopā: 5 EUR" (the texts look alike but differ in characters you cannot see: '
     "your text has spaces at the end)"),
    ("expect('5 EUR').toBe(' 5\u202fEUR')",
     'expected "5 EUR" to be " 5\\u202fEUR" (the texts look alike but differ in characters you cannot see: '
     "the expected text has a narrow no-break space (\\u202f); the expected text has spaces at the start)"),
    ("expect('a  b').toBe('a b')",
     'expected "a  b" to be "a b" (the texts look alike but differ in characters you cannot see: '
     "the spaces between the words differ (more than one in a row, or a line break))"),
    ("expect([price(1)]).toEqual(['1,00 €'])",
     'expected [ "1,00\\u00a0€" ] to equal [ "1,00 €" ] (\\u00a0 and the like are characters you cannot see, '
     "such as a no-break space, written as codes)"),
    ("expect('12,50 EUR').toBe('12,50 €')", 'expected "12,50 EUR" to be "12,50 €"'),
]


@pytest.mark.parametrize(("code", "message"), INVISIBLE, ids=[m[0][:50] for m in INVISIBLE])
def test_strings_that_differ_only_in_invisible_characters_are_shown_and_named(code, message):
    """A no-break space from the currency formatter or a trailing space is written as a code and
    named, so a learner is not told that "12,50 €" is not "12,50 €"."""
    assert one(PRICE, code + ";") == (False, message)


# ---- timers on the virtual clock ----

def test_timers_fire_in_due_order_on_a_virtual_clock():
    """setTimeout/setInterval run in time order without real waiting; Date.now follows."""
    source = """
export function schedule(log) {
  const start = Date.now();
  setTimeout(() => log.push('b@' + (Date.now() - start)), 200);
  setTimeout(() => log.push('a@' + (Date.now() - start)), 100);
  setTimeout(() => log.push('zero'), 0);
  queueMicrotask(() => log.push('micro'));
  let n = 0;
  const id = setInterval(() => { n += 1; log.push('tick' + n); if (n === 3) clearInterval(id); }, 70);
  const never = setTimeout(() => log.push('cancelled'), 50);
  clearTimeout(never);
}
export const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
"""
    code = """
const log = [];
const before = Date.now();
schedule(log);
await delay(1000);
expect(log).toEqual(['micro', 'zero', 'tick1', 'a@100', 'tick2', 'b@200', 'tick3']);
expect(Date.now() - before).toBe(1000);
expect(new Date().getTime()).toBe(Date.now());
"""
    assert one(source, code) == (True, "")


def test_a_long_wait_is_instant():
    """`await delay(60000)` finishes at once in real time."""
    source = "export const delay = (ms) => new Promise((r) => setTimeout(r, ms));\n"
    result = run(source, "const t = Date.now(); await delay(60000); expect(Date.now() - t).toBe(60000);", time_limit_ms=500)
    assert outcomes(result) == [(True, "")]


def test_an_error_thrown_in_a_timer_fails_the_test():
    """An exception in a timer callback during a test fails that test."""
    source = "export function later() { setTimeout(() => { throw new Error('boom'); }, 10); }\n"
    passed, message = one(source, "later(); await new Promise((r) => setTimeout(r, 20));")
    assert not passed and message == "an error was thrown in a timer or callback: Error: boom"


# ---- fetch ----

def test_mock_fetch_answers_routes_and_records_calls():
    """mockFetch gives a fake fetch: json(), text(), status, ok, 404 for unknown URLs, calls kept."""
    source = """
export async function names() {
  const res = await fetch('/api/users?page=1');
  if (!res.ok) throw new Error('HTTP ' + res.status);
  return (await res.json()).map((u) => u.name);
}
export async function save(user) {
  const res = await fetch('/api/users', { method: 'POST', body: JSON.stringify(user) });
  return res.status;
}
export async function missing() { return (await fetch('/nope')).status; }
"""
    code = """
mockFetch({
  '/api/users?page=1': { status: 200, json: [{ id: 1, name: 'Ann' }] },
  '/api/users': (url, options) => ({ status: options.method === 'POST' ? 201 : 405, json: {} }),
});
expect(await names()).toEqual(['Ann']);
expect(await save({ name: 'Ben' })).toBe(201);
expect(await missing()).toBe(404);
expect(fetchCalls()).toEqual([
  { url: '/api/users?page=1', options: undefined },
  { url: '/api/users', options: { method: 'POST', body: '{"name":"Ben"}' } },
  { url: '/nope', options: undefined },
]);
"""
    assert one(source, code) == (True, "")


def test_fetch_does_not_exist_until_a_test_mocks_it():
    """Without mockFetch there is no fetch; one test's fake does not leak into the next."""
    source = "export const hasFetch = () => typeof fetch;\n"
    result = run(source, "expect(hasFetch()).toBe('undefined');",
                 "mockFetch({ '/a': { status: 500, json: { error: 'down' } } }); const r = await fetch('/a');"
                 "expect(r.ok).toBe(false); expect(await r.json()).toEqual({ error: 'down' });",
                 "expect(hasFetch()).toBe('undefined');")
    assert outcomes(result) == [(True, "")] * 3


# ---- the DOM ----

def test_dom_environment_gives_document_window_events_and_forms():
    """With environment dom the code gets a document with elements, events and form values."""
    source = """
export function setup() {
  const button = document.createElement('button');
  button.textContent = 'Add';
  button.classList.add('primary');
  button.setAttribute('data-step', '2');
  const out = document.createElement('output');
  out.textContent = '0';
  button.addEventListener('click', () => {
    out.textContent = String(Number(out.textContent) + Number(button.getAttribute('data-step')));
  });
  document.body.append(button, out);
}
export function readEmail() { return document.querySelector('input[name=email]').value; }
"""
    code = """
expect(document.body.innerHTML).toBe('');
setup();
const button = document.querySelector('button.primary');
button.click();
button.dispatchEvent(new Event('click'));
expect(document.querySelector('output').textContent).toBe('4');
expect(document.querySelectorAll('button')).toHaveLength(1);
document.body.innerHTML = '<form><input name="email" value="a@b.lv"></form>';
expect(readEmail()).toBe('a@b.lv');
document.querySelector('input').value = 'c@d.lv';
expect(readEmail()).toBe('c@d.lv');
expect(window.document).toBe(document);
document.querySelector('form').remove();
expect(document.body.children).toHaveLength(0);
"""
    assert one(source, code, environment="dom") == (True, "")


def test_without_the_dom_environment_there_is_no_document():
    """A plain exercise has no document."""
    assert one("export const t = () => typeof document;\n", "expect(t()).toBe('undefined');") == (True, "")


# ---- React ----

REACT = """import React, { useState, useEffect } from 'react';

export function Counter({ start = 0 }) {
  const [n, setN] = useState(start);
  return (
    <div>
      <p className="count">Count: {n}</p>
      <button onClick={() => setN(n + 1)}>Add</button>
      <button onClick={() => setN(0)}>Reset</button>
    </div>
  );
}

export function Users() {
  const [users, setUsers] = useState(null);
  useEffect(() => {
    fetch('/api/users').then((r) => r.json()).then(setUsers);
  }, []);
  if (!users) return <p>Loading…</p>;
  return <ul>{users.map((u) => <li key={u.id}>{u.name}</li>)}</ul>;
}

export function Signup({ onSignup }) {
  const [email, setEmail] = useState('');
  return (
    <form onSubmit={(e) => { e.preventDefault(); onSignup(email); }}>
      <input name="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      <button type="submit">Sign up</button>
    </form>
  );
}

export function Clock() {
  const [s, setS] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setS((x) => x + 1), 1000);
    return () => clearInterval(id);
  }, []);
  return <span>{s}s</span>;
}

export default function App() {
  return <h1>Hello</h1>;
}
"""


REACT_TESTS = [
    "const r = render(<Counter start={2} />); expect(r.html).toBe('<div><p class=\"count\">Count: 2</p><button>Add</button><button>Reset</button></div>'); expect(r.text).toBe('Count: 2AddReset');",
    "expect(render(<solution.default />).html).toBe('<h1>Hello</h1>'); expect(React.isValidElement(<solution.default />)).toBe(true);",
    "const m = mount(<Counter />); m.getByText('Add').click(); m.getByText('Add').click(); expect(m.find('p').text()).toBe('Count: 2'); m.findAll('button')[1].click(); expect(m.text()).toBe('Count: 0AddReset');",
    "const m = mount(<Counter />); expect(m.find((n) => n.props.className === 'count').text()).toBe('Count: 0'); expect(m.find(Counter).props).toEqual({});",
    "mockFetch({ '/api/users': { status: 200, json: [{ id: 1, name: 'Ann' }, { id: 2, name: 'Ben' }] } }); const m = mount(<Users />); expect(m.text()).toBe('Loading…'); await flush(); expect(m.findAll('li').map((li) => li.text())).toEqual(['Ann', 'Ben']);",
    "let got = null; const m = mount(<Signup onSignup={(e) => { got = e; }} />); m.find('input').change('a@b.lv'); expect(m.find('input').props.value).toBe('a@b.lv'); m.find('form').submit(); expect(got).toBe('a@b.lv');",
    "const m = mount(<Clock />); expect(m.text()).toBe('0s'); await new Promise((r) => setTimeout(r, 3500)); expect(m.text()).toBe('3s'); m.unmount(); await flush(); expect(logs()).toEqual([]);",
    "const m = mount(<Counter />); m.find('p').click();",
    "const m = mount(<Counter />); m.getByText('Nope');",
]


def test_react_render_mount_events_effects_and_flush():
    """React tests render to HTML, mount and click, type and submit, and wait for effects."""
    result = run(REACT, *REACT_TESTS, language="react")
    assert result["status"] == "ok", result
    assert outcomes(result) == [(True, "")] * 7 + [
        (False, "this <p> has no onClick handler"),
        (False, "getByText(\"Nope\") found no element with that text"),
    ]


FORM_BY_ID = """import React, { useState } from 'react';
export default function Form() {
  const [form, setForm] = useState({ name: '', email: '' });
  const change = (e) => setForm({ ...form, [e.target.id]: e.target.value });
  return <form><input id="name" value={form.name} onChange={change} /><input id="email" type="email" value={form.email} onChange={change} /><p>{form.name}|{form.email}</p></form>;
}
"""


def test_a_simulated_change_carries_the_fields_id_name_and_type_like_a_browser_event():
    """One change handler for several fields, keyed on e.target.id as in a browser, works in tests."""
    code = ("const m = mount(<solution.default />); m.findAll('input')[0].change('Anna');"
            "m.findAll('input')[1].change('a@b.lv'); expect(m.find('p').text()).toBe('Anna|a@b.lv');")
    assert one(FORM_BY_ID, code, language="react") == (True, "")


SUBMITTED_FORM = """import React, { useState } from 'react';
export default function Add({ stopOnClick = false }) {
  const [items, setItems] = useState([]);
  const [clicks, setClicks] = useState(0);
  return (
    <form onSubmit={(e) => { e.preventDefault(); setItems([...items, 'x']); }}>
      <button onClick={(e) => { setClicks(clicks + 1); if (stopOnClick) e.preventDefault(); }}>Add</button>
      <button type="button">Other</button>
      <button type="submit" disabled>Off</button>
      <input type="submit" value="Send" />
      <p>{items.length}|{clicks}</p>
    </form>
  );
}
"""


@pytest.mark.parametrize(("code", "shown"), [
    ("m.getByText('Add').click();", "1|1"),                          # onClick, then the form's onSubmit
    ("m.find((n) => n.props.value === 'Send').click();", "1|0"),     # <input type="submit">, no onClick
])
def test_clicking_a_submit_button_submits_its_form_as_in_a_browser(code, shown):
    """A learner who handles the form's onSubmit, as the forms lesson teaches, passes a test that
    clicks the form's button (it once failed with "this <button> has no onClick handler")."""
    test = f"const m = mount(<solution.default />); {code} expect(m.find('p').text()).toBe('{shown}');"
    assert one(SUBMITTED_FORM, test, language="react") == (True, "")


@pytest.mark.parametrize("button", ["Other", "Off"])
def test_a_button_that_does_not_submit_is_only_clicked(button):
    """type="button" and a disabled submit button do not submit the form."""
    test = f"const m = mount(<solution.default />); m.getByText('{button}').click();"
    assert one(SUBMITTED_FORM, test, language="react") == (False, "this <button> has no onClick handler")


def test_a_click_whose_handler_prevents_the_default_does_not_submit():
    """onClick calling preventDefault stops the form's submit, as in a browser."""
    test = ("const m = mount(<solution.default stopOnClick />); m.getByText('Add').click();"
            "expect(m.find('p').text()).toBe('0|1');")
    assert one(SUBMITTED_FORM, test, language="react") == (True, "")


def test_react_warnings_reach_the_logs():
    """React's development warnings (a list without keys) show in the test's logs."""
    source = "export function L({ items }) { return <ul>{items.map((i) => <li>{i}</li>)}</ul>; }\n"
    result = run(source, "render(<L items={['a', 'b']} />);", language="react")
    logs = result["tests"][0]["logs"]
    assert result["tests"][0]["passed"] and len(logs) == 1
    assert logs[0].startswith('Warning: Each child in a list should have a unique "key" prop.')
    assert "at L (learner.js:1:" in logs[0]


def test_react_errors_are_readable():
    """A component that throws fails the test with React's readable message."""
    source = "export function Bad() { return <p>{{ a: 1 }}</p>; }\n"
    passed, message = one(source, "render(<Bad />);", language="react")
    assert not passed and message.startswith("Error: Objects are not valid as a React child (found: object with keys {a})")


def test_an_error_in_an_effect_names_the_learners_error_in_every_test():
    """A component whose effect throws fails each test with the learner's own error and line,
    the first test too (React's scheduler once hit a removed timer there and reported
    "Cannot read properties of undefined (reading 'setTimeout')" instead)."""
    source = ("import React, { useEffect } from 'react';\n"
              "export default function Books() {\n"
              "  useEffect(() => { const c = new ResizeObserver(() => {}); }, []);\n"
              "  return <p>Ielādē...</p>;\n"
              "}\n")
    code = "mount(<solution.default />);"
    result = run(source, code, code, language="react")
    assert result["status"] == "ok", result
    assert outcomes(result) == [(False, "ReferenceError: ResizeObserver is not defined (line 3 of your code)")] * 2


# ---- AbortController: cancelling a fetch as in a browser ----

SLOW = "mockFetch({ '/a': () => new Promise((r) => setTimeout(() => r({ json: { title: 'A' } }), 500)) });"


@pytest.mark.parametrize("code", [
    # the controller, its signal and the default reason
    "const c = new AbortController(); expect([c.signal.aborted, c.signal.reason]).toEqual([false, undefined]);"
    "c.abort(); expect(c.signal.aborted).toBe(true); expect(c.signal.reason).toBeInstanceOf(DOMException);"
    "expect(c.signal.reason).toBeInstanceOf(Error); expect([c.signal.reason.name, c.signal.reason.code]).toEqual(['AbortError', 20]);"
    "expect(String(c.signal.reason)).toBe('AbortError: signal is aborted without reason');",
    # the abort event fires once, to listeners and onabort, with the first reason kept
    "const c = new AbortController(); const seen = []; c.signal.addEventListener('abort', (e) => seen.push([e.type, e.target === c.signal]));"
    "c.signal.onabort = () => seen.push('onabort'); c.abort('why'); c.abort('again');"
    "expect(seen).toEqual([['abort', true], 'onabort']); expect(c.signal.reason).toBe('why');",
    "const c = new AbortController(); let n = 0; const f = () => n++; c.signal.addEventListener('abort', f, { once: true });"
    "c.signal.addEventListener('abort', f); c.signal.removeEventListener('abort', f); c.abort(); expect(n).toBe(0);",
    "expect(() => AbortSignal.abort(new Error('stop')).throwIfAborted()).toThrow('stop');"
    "expect(() => new AbortController().signal.throwIfAborted()).not.toThrow(); expect(() => new AbortSignal()).toThrow(TypeError);",
    # AbortSignal.timeout on the virtual clock
    "const s = AbortSignal.timeout(1000); const t0 = Date.now(); let at = null; s.onabort = () => { at = Date.now() - t0; };"
    "await new Promise((r) => setTimeout(r, 5000)); expect(at).toBe(1000); expect(s.reason.name).toBe('TimeoutError');",
    "const a = new AbortController(); const s = AbortSignal.any([a.signal, AbortSignal.timeout(50)]); a.abort('first');"
    "expect(s.reason).toBe('first');",
    # fetch: aborted before, during, and after the response came
    "mockFetch({ '/a': { json: 1 } }); const c = new AbortController(); c.abort();"
    "const e = await fetch('/a', { signal: c.signal }).catch((x) => x); expect(e.name).toBe('AbortError');",
    SLOW + "const c = new AbortController(); const p = fetch('/a', { signal: c.signal }); setTimeout(() => c.abort(), 100);"
    "const t0 = Date.now(); const e = await p.catch((x) => x); expect(e.name).toBe('AbortError'); expect(Date.now() - t0).toBe(100);",
    "mockFetch({ '/a': { json: 1 } }); const c = new AbortController(); const r = await fetch('/a', { signal: c.signal }); c.abort();"
    "const e = await r.json().catch((x) => x); expect(e.name).toBe('AbortError');",
    "mockFetch({ '/a': { json: 1 } }); const r = await fetch('/a', { signal: new AbortController().signal }); expect(await r.json()).toBe(1);",
])
def test_abort_controller_and_signal_behave_as_in_a_browser(code):
    """AbortController, AbortSignal and DOMException are there, and the fake fetch honours the signal."""
    assert one("export const x = 1;\n", code) == (True, "")


ABORTING_BOOK = """import React, { useEffect, useState } from 'react';
export default function Book({ url }) {
  const [title, setTitle] = useState('...');
  useEffect(() => {
    const controller = new AbortController();
    fetch(url, { signal: controller.signal })
      .then((r) => r.json())
      .then((d) => setTitle(d.title))
      .catch((e) => { if (e.name === 'AbortError') console.log('aborted ' + url); else setTitle('error'); });
    return () => controller.abort();
  }, [url]);
  return <p>{title}</p>;
}
"""


def test_an_effect_that_aborts_its_fetch_on_unmount_passes():
    """React's documented cleanup, aborting the request when the component goes, works in a test."""
    code = SLOW + "const v = mount(<solution.default url='/a' />); v.unmount(); await flush(); expect(logs()).toEqual(['aborted /a']);"
    assert one(ABORTING_BOOK, code, language="react") == (True, "")


def test_an_effect_that_aborts_a_stale_fetch_shows_only_the_new_answer():
    """A changed URL aborts the slow request of the old one, so its answer never shows."""
    code = (SLOW.replace("});", ", '/b': { json: { title: 'B' } } });")
            + "function P() { const [u, setU] = React.useState('/a');"
            "return <div><button onClick={() => setU('/b')}>b</button><solution.default url={u} /></div>; }"
            "const v = mount(<P />); v.getByText('b').click(); await flush();"
            "expect(v.find('p').text()).toBe('B'); expect(logs()).toEqual(['aborted /a']);")
    assert one(ABORTING_BOOK, code, language="react") == (True, "")


def test_abort_controller_is_there_in_the_dom_environment_too():
    """The DOM library does not bring its own, so the same one serves DOM exercises."""
    assert one("export const f = () => new AbortController().signal.aborted;\n",
               "expect(f()).toBe(false); expect(typeof document).toBe('object');", environment="dom") == (True, "")


# ---- forms and structuredClone: as MDN teaches, as in a browser ----

SIGNUP_PAGE = """document.body.innerHTML = `<form id="f"><input name="email" value="anna@example.lv">
<input name="password" type="password"><input type="checkbox" name="news" checked><input type="checkbox" name="tos">
<input type="radio" name="size" value="S"><input type="radio" name="size" value="M" checked>
<select name="city"><option>Rīga</option><option value="lp" selected>Liepāja</option></select>
<select name="tags" multiple><option selected>a</option><option>b</option><option value="c" selected>C</option></select>
<textarea name="note">Sveiki</textarea><input name="off" value="x" disabled>
<fieldset disabled><input name="inside" value="y"></fieldset><input type="file" name="photo"><input value="no name">
<button name="go" value="1">Sūtīt</button></form><input form="f" name="outside" value="o">`;
const form = document.querySelector('#f');
"""

READS_A_FORM = {
    "formdata": "export const read = (form) => Object.fromEntries(new FormData(form));\n",
    "elements": ("export const read = (form) => ({ email: form.elements.email.value,"
                 " password: form.elements['password'].value, size: form.elements.size.value });\n"),
}


def test_form_data_takes_the_controls_a_browser_submits():
    """Named, enabled controls in order; checked boxes and radios only ("on" without a value), the
    selected options, no buttons, a control outside tied by form="id"; a file input gives ""."""
    code = SIGNUP_PAGE + (
        "expect([...new FormData(form)]).toEqual([['email', 'anna@example.lv'], ['password', ''], ['news', 'on'],"
        "['size', 'M'], ['city', 'lp'], ['tags', 'a'], ['tags', 'c'], ['note', 'Sveiki'], ['photo', ''], ['outside', 'o']]);"
        "form.querySelector('[name=tos]').checked = true; form.querySelector('[name=news]').checked = false;"
        "form.querySelector('[name=password]').value = 'slepens1';"
        "const d = new FormData(form); expect([d.get('tos'), d.has('news'), d.get('password')]).toEqual(['on', false, 'slepens1']);"
        "expect(new FormData(form, form.querySelector('button')).get('go')).toBe('1');")
    assert one("export const x = 1;\n", code, environment="dom") == (True, "")


def test_form_data_methods_behave_as_in_a_browser():
    """An empty FormData: append, set (keeps the first place), delete, get/getAll/has, iteration, forEach."""
    code = ("const d = new FormData(); d.append('a', 1); d.append('b', 'x'); d.append('a', 2); d.set('a', 3);"
            "expect([...d]).toEqual([['a', '3'], ['b', 'x']]); expect([...d.keys()]).toEqual(['a', 'b']);"
            "expect([...d.values()]).toEqual(['3', 'x']); expect([...d.entries()]).toEqual([...d]);"
            "d.delete('b'); d.append('a', 4); expect(d.getAll('a')).toEqual(['3', '4']); expect(d.get('a')).toBe('3');"
            "expect([d.get('b'), d.has('b'), d.has('a')]).toEqual([null, false, true]);"
            "const seen = []; d.forEach((value, name, all) => seen.push([name, value, all === d]));"
            "expect(seen).toEqual([['a', '3', true], ['a', '4', true]]);"
            "expect(() => new FormData(document.body)).toThrow(TypeError); expect(String(d)).toBe('[object FormData]');")
    assert one("export const x = 1;\n", code, environment="dom") == (True, "")


def test_form_elements_is_a_live_collection_by_position_id_and_name():
    """form.elements: the same object each time, its controls in order (the one outside by form="id"
    too), by name or id, namedItem, several radios as a RadioNodeList whose value is the checked one."""
    code = SIGNUP_PAGE + (
        "const e = form.elements; expect(e).toBe(form.elements); expect(e.length).toBe(16);"
        "expect(e[0]).toBe(e.email); expect(e['password']).toBe(form.querySelector('[type=password]'));"
        "expect(e.namedItem('note').value).toBe('Sveiki'); expect(e.outside).toBe(e[15]);"
        "expect([...e].map((c) => c.tagName)[8]).toBe('TEXTAREA');"
        "expect([e.size.length, e.size.value]).toEqual([2, 'M']); e.size.value = 'S'; expect(e.size[0].checked).toBe(true);"
        "expect([e.nothing, e.namedItem('nothing')]).toEqual([undefined, null]);"
        "form.insertAdjacentHTML('beforeend', '<input id=late>'); expect(e.length).toBe(17); expect(e.late.id).toBe('late');"
        "expect(form instanceof HTMLFormElement).toBe(true); expect(document.body.elements).toBe(undefined);"
        "expect(String(e)).toBe('[object HTMLFormControlsCollection]');")
    assert one("export const x = 1;\n", code, environment="dom") == (True, "")


@pytest.mark.parametrize("how", sorted(READS_A_FORM))
def test_a_learner_reads_a_submitted_form_with_form_data_or_elements(how):
    """A DOM exercise's submit handler that reads the form as MDN teaches gets what was typed."""
    source = READS_A_FORM[how] + (
        "export function setup(form, onValid) {\n"
        "  form.addEventListener('submit', (event) => { event.preventDefault(); onValid(read(form)); });\n"
        "}\n")
    code = ("document.body.innerHTML = `<form><input name=email><input name=password type=password>"
            "<input type=radio name=size value=S><input type=radio name=size value=M><button>Go</button></form>`;"
            "const form = document.querySelector('form'); const got = []; setup(form, (d) => got.push(d));"
            "form.querySelector('[name=email]').value = 'anna@example.lv'; form.querySelector('[name=password]').value = 'garaparole';"
            "form.querySelector('[value=S]').checked = true; form.dispatchEvent(new Event('submit', { cancelable: true }));"
            "expect(got).toEqual([{ email: 'anna@example.lv', password: 'garaparole', size: 'S' }]);")
    assert one(source, code, environment="dom") == (True, "")


def test_checked_reads_the_attribute_and_a_radio_unchecks_its_group():
    """A checkbox written checked in HTML is checked; checking a radio unchecks the others of its name
    in the same form only (the DOM library once gave undefined for a checked box)."""
    code = ("document.body.innerHTML = `<form><input type=checkbox checked><input type=radio name=r checked>"
            "<input type=radio name=r></form><form><input type=radio name=r checked></form>`;"
            "const [box, r1, r2, other] = document.querySelectorAll('input');"
            "expect([box.checked, r1.checked, r2.checked]).toEqual([true, true, false]); box.checked = false; r2.checked = true;"
            "expect([box.checked, r1.checked, r2.checked, other.checked]).toEqual([false, false, true, true]);")
    assert one("export const x = 1;\n", code, environment="dom") == (True, "")


def test_form_data_is_only_in_the_dom_environment():
    """Plain JavaScript has no document, so no FormData either (as in Node)."""
    assert one("export const x = 1;\n", "expect(typeof FormData).toBe('undefined');") == (True, "")


@pytest.mark.parametrize("environment", [{}, {"environment": "dom"}, {"language": "react"}])
def test_structured_clone_copies_deeply_in_every_environment(environment):
    """Plain objects, arrays, Date, RegExp, Map, Set, errors and primitives are copied, not shared; a
    cycle stays a cycle; a class instance comes back a plain object with its own fields."""
    code = ("const a = { d: new Date(5), r: /x/gi, m: new Map([[1, { z: 1 }]]), s: new Set(['s']), list: [1, [2]],"
            " n: null, u: undefined, big: 1n, str: 'x' }; a.self = a; const b = structuredClone(a);"
            "expect(b).not.toBe(a); expect(b.self).toBe(b); expect(b.d).toBeInstanceOf(Date); expect(b.d.getTime()).toBe(5);"
            "expect([b.r.source, b.r.flags]).toEqual(['x', 'gi']); expect(b.m.get(1)).toEqual({ z: 1 });"
            "expect(b.m.get(1)).not.toBe(a.m.get(1)); expect(b.s.has('s')).toBe(true); expect(b.list[1]).not.toBe(a.list[1]);"
            "expect([b.n, b.u, b.big, b.str, 'u' in b]).toEqual([null, undefined, 1n, 'x', true]);"
            "class P { constructor() { this.x = 1; } get y() { return 2; } }"
            "const p = structuredClone(new P()); expect(p).toEqual({ x: 1 }); expect(p).not.toBeInstanceOf(P);"
            "const e = structuredClone(new RangeError('par daudz')); expect(e).toBeInstanceOf(RangeError);"
            "expect(e.message).toBe('par daudz'); expect(structuredClone(7)).toBe(7);")
    assert one("export const x = 1;\n", code, **environment) == (True, "")


@pytest.mark.parametrize("value", ["{ f() {} }", "() => 1", "Symbol('s')", "[new WeakMap()]", "Promise.resolve(1)"])
def test_structured_clone_of_what_cannot_be_cloned_throws_a_data_clone_error(value):
    """A function, a symbol, a WeakMap or a promise throws DataCloneError, as in a browser."""
    code = (f"let e = null; try {{ structuredClone({value}); }} catch (x) {{ e = x; }}"
            "expect(e).toBeInstanceOf(DOMException); expect([e.name, e.code]).toEqual(['DataCloneError', 25]);"
            "expect(e.message).toContain('could not be cloned');")
    assert one("export const x = 1;\n", code) == (True, "")


def test_structured_clone_of_a_dom_node_throws_a_data_clone_error():
    """A DOM element cannot be cloned (cloneNode copies it)."""
    code = "expect(() => structuredClone({ el: document.body })).toThrow('could not be cloned');"
    assert one("export const x = 1;\n", code, environment="dom") == (True, "")


def test_react_code_may_import_only_react():
    """A React exercise can import react but nothing else."""
    result = run("import axios from 'axios';\nexport const A = () => null;\n", "render(<A />);", language="react")
    assert result["status"] == "error" and "only 'react' can be imported" in result["error"] and result["line"] == 1


# ---- hostile code: nothing the learner does makes a failing test pass ----

def hostile(attack, code="expect(sum([1, 2, 3])).toBe(6);", source=WRONG_SUM, **kwargs):
    """Grade a wrong sum plus an attack; return (status, passed, message, logs)."""
    result = run(source + attack, code, **kwargs)
    test = result["tests"][0]
    return result["status"], test["passed"], test["message"], result["logs"] + test["logs"]


def test_replacing_object_is_does_not_make_tobe_pass():
    """Object.is cannot be replaced (the realm is frozen), and toBe still fails."""
    status, passed, message, logs = hostile(
        "try { Object.is = () => true; console.log('replaced'); } catch (e) { console.log('refused', e.name); }\n")
    assert (status, passed, message) == ("ok", False, "expected 0 to be 6")
    assert logs == ["refused TypeError"]


def test_an_unfrozen_realm_would_fall_to_the_same_attack():
    """Control: in a context without the harness, the same assignment does replace Object.is."""
    mr = MiniRacer()
    try:
        assert mr.eval("Object.is = () => true; Object.is(0, 6)") is True
    finally:
        mr.close()


@pytest.mark.parametrize("attack", [
    "Array.prototype.every = function () { return true; };",
    "Array.isArray = () => false;",
    "Object.keys = () => [];",
    "JSON.stringify = () => '{\"passed\":true,\"message\":\"\",\"logs\":[]}';",
    "Promise.prototype.then = function (ok) { return ok(); };",
    "Object.defineProperty(Object.prototype, 'passed', { get() { return true; } });",
    "Reflect.apply = () => undefined;",
    "Function.prototype.call = function () {};",
    "Map.prototype.get = () => undefined;",
    "String.prototype.includes = () => true;",
    "Symbol.prototype.toString = () => '';",
    "Object.freeze = (o) => o;",
])
def test_built_ins_the_harness_relies_on_cannot_be_patched(attack):
    """Patching a built-in throws in learner code, so the wrong answer still fails."""
    status, passed, message, logs = hostile(
        f"try {{ {attack} console.log('patched'); }} catch (e) {{ console.log('refused', e.name); }}\n",
        code="expect(sum([1, 2, 3])).toBe(6); expect([sum([1])]).toEqual([1]);")
    assert (status, passed, message) == ("ok", False, "expected 0 to be 6")
    assert logs == ["refused TypeError"]


def test_the_standard_globals_cannot_be_swapped_for_the_tests():
    """Replacing Math or JSON on the global object does not reach the tests."""
    status, passed, message, logs = hostile(
        "try { globalThis.Math = { max: () => 0 }; } catch (e) { console.log('refused'); }\n",
        code="expect(sum([1, 2, 3])).toBe(Math.max(1, 6));")
    assert (passed, message, logs) == (False, "expected 0 to be 6", ["refused"])


def test_exporting_or_assigning_expect_does_not_replace_the_harnesss():
    """A learner's own `expect` (exported or global) is not the one the tests use."""
    attack = ("export function expect() { return { toBe() {} }; }\n"
              "globalThis.expect = expect;\n"
              "export const logs = () => [];\n")
    status, passed, message, _ = hostile(attack)
    assert (status, passed, message) == ("ok", False, "expected 0 to be 6")


def test_the_harness_entry_points_need_the_secret_nonce():
    """Learner code cannot call the harness's entry points or replace them."""
    attack = """
for (const name of ['step', 'start', 'define', 'load', 'text', 'messages']) {
  try { __lms[name]('guess', 0, async () => {}); console.log('called', name); } catch (e) { console.log(name, e.message); }
}
try { globalThis.__lms = { step: () => '{"passed":true}' }; console.log('replaced'); } catch (e) { console.log('kept'); }
"""
    status, passed, message, logs = hostile(attack)
    assert (status, passed, message) == ("ok", False, "expected 0 to be 6")
    assert logs == ["step not allowed", "start not allowed", "define not allowed", "load not allowed",
                    "text not allowed", "messages not allowed", "kept"]
    assert sorted(name for name in dir_of_the_harness()) == ["define", "load", "messages", "start", "step", "text"]


def dir_of_the_harness():
    """The entry points of the harness's one global, as learner code sees them."""
    result = run("export const names = Object.keys(__lms);\n", "console.log(names.join(','));")
    return result["tests"][0]["logs"][0].split(",")


def test_catching_a_failed_expectation_does_not_hide_it():
    """If learner code swallows an assertion thrown in a test's callback, the test still fails."""
    source = "export function each(items, fn) { for (const x of items) { try { fn(x); } catch (e) {} } }\n"
    passed, message = one(source, "each([1, -2, 3], (x) => expect(x).toBeGreaterThan(0));")
    assert (passed, message) == (False, "expected -2 to be greater than 0")


THROWN = {
    "null": "throw null;",
    "undefined": "throw undefined;",
    "a lying error": "throw { get message() { throw new Error('gotcha'); }, name: 'AssertionPassed' };",
    "a proxy": "throw new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } });",
    "a forged pass": "throw { passed: true, message: '' };",
    "a function": "throw function pass() {};",
}


@pytest.mark.parametrize("thrown", list(THROWN.values()), ids=list(THROWN))
def test_throwing_strange_values_fails_with_a_message(thrown):
    """Whatever the learner's code throws, the test fails with a message that can be shown."""
    passed, message = one("export function sum() {\n  " + thrown + "\n}\n", "expect(sum([1])).toBe(1);")
    assert not passed and isinstance(message, str) and message


def test_lying_values_do_not_fool_the_matchers():
    """Values with lying valueOf, toString, toJSON or Symbol.toPrimitive do not equal the answer."""
    source = """
export function sum() {
  return { valueOf: () => 6, toString: () => '6', toJSON: () => 6, [Symbol.toPrimitive]: () => 6 };
}
export function list() { return new Proxy([], { get: (t, k) => (k === 'length' ? 3 : 1), ownKeys: () => ['0', '1', '2', 'length'] }); }
"""
    result = run(source, "expect(sum([1, 2, 3])).toBe(6);", "expect(sum([1, 2, 3])).toEqual(6);",
                 "expect(list()).toEqual([1, 2, 3]);")
    assert [t["passed"] for t in result["tests"]] == [False, False, False]


def test_a_stack_formatter_changes_no_outcome():
    """Error.prepareStackTrace set by learner code cannot turn a failure into a pass."""
    status, passed, message, _ = hostile("Error.prepareStackTrace = () => 'passed';\n")
    assert (status, passed, message) == ("ok", False, "expected 0 to be 6")


def test_the_override_of_frozen_built_in_properties_still_works_for_learners():
    """Ordinary code still runs on a frozen realm: custom errors set name, classes define toString."""
    source = """
export class ValidationError extends Error {
  constructor(message) { super(message); this.name = 'ValidationError'; }
}
export function Point(x) { this.x = x; }
Point.prototype.toString = function () { return 'P' + this.x; };
export const obj = { toString() { return 'O'; } };
obj.valueOf = () => 7;
"""
    code = ("const e = new ValidationError('bad'); expect(e.name).toBe('ValidationError'); expect(String(e)).toBe('ValidationError: bad');"
            "expect(String(new Point(1))).toBe('P1'); expect(obj + 0).toBe(7);"
            "expect(() => { throw new ValidationError('x'); }).toThrow(ValidationError);")
    assert one(source, code) == (True, "")


def test_reading_the_tests_code_from_learner_code_is_not_possible():
    """Learner code cannot reach the calling test function (strict mode: no `caller`)."""
    source = """
export function peek() {
  try { return String(peek.caller); } catch (e) { return 'refused'; }
}
"""
    assert one(source, "expect(peek()).toBe('refused');") == (True, "")


def test_python_objects_files_and_network_are_out_of_reach():
    """The context has no require, process, fetch, XMLHttpRequest or file access."""
    source = ("export const seen = () => [typeof process, typeof fetch, typeof XMLHttpRequest, typeof WebSocket,"
              " typeof Deno, typeof Bun, typeof importScripts, typeof os, typeof open].join(',');\n"
              "export function readFile() { return require('fs'); }\n")
    code = ("expect(seen()).toBe(Array(9).fill('undefined').join(','));"
            "expect(() => readFile()).toThrow(\"Cannot import 'fs'\");")
    assert one(source, code) == (True, "")


def test_a_transform_of_one_grading_leaves_no_trace_for_the_next():
    """The warm transformer context is frozen: hostile source is only data there."""
    tricky = "export const __proto__ = 1;\nexport const constructor = 2;\nexport const x = {}.constructor === Object;\n"
    assert one(tricky, "expect(x).toBe(true);") == (True, "")
    assert one(SUM, "expect(sum([1, 2])).toBe(3);") == (True, "")


# ---- hidden tests: passed or failed, nothing else ----

SECRET = "kafija-7f3c"
# Learner code that tries every way to show what a test gave it: logs (now, from a microtask,
# from timers of its own and of the module), a thrown error, and the input in its answer.
SNOOP = """
const seen = [];
setInterval(() => { if (seen.length) console.log('tick ' + seen.join(' | ')); }, 1);
export function price(item) {
  const text = JSON.stringify(item);
  seen.push(text);
  console.log('got ' + text);
  Promise.resolve().then(() => console.log('later ' + text));
  setTimeout(() => console.log('timer ' + text), 5);
  if (item.qty > 3) throw new Error('got ' + text);
  return 'got ' + text;
}
"""
VISIBLE = {"name": "tea", "code": "expect(price({ item: 'tea', qty: 3 })).toBe('3 × tea');"}
HIDDEN = [
    {"name": "an item of the hidden test", "code": f"expect(price({{ item: '{SECRET}', qty: 1 }})).toBe('1 × {SECRET}');"},
    {"name": "a throw", "code": f"price({{ item: '{SECRET}', qty: 4 }});"},
    {"name": "after waiting", "code": f"await new Promise((r) => setTimeout(r, 20)); price({{ item: '{SECRET}', qty: 2 }});"
                                      "expect(1).toBe(2);"},
]


def test_hidden_tests_say_only_whether_they_passed():
    """A failing hidden test shows no message, no console output and no line, whatever the
    code logged, threw or returned; an example test keeps its full detail."""
    result = runner.run_tests(SNOOP, [VISIBLE, *HIDDEN], hidden_from=1)
    assert result["status"] == "ok"
    shown = result["tests"][0]
    assert shown["message"] == 'expected "got {\\"item\\":\\"tea\\",\\"qty\\":3}" to be "3 × tea"'
    assert shown["logs"][0] == 'got {"item":"tea","qty":3}'
    assert result["tests"][1:] == [{"name": t["name"], "passed": False, "message": "", "logs": []} for t in HIDDEN]
    assert SECRET not in json.dumps(result, ensure_ascii=False)
    # The same tests as examples do show it: the check above is not vacuous.
    assert SECRET in json.dumps(runner.run_tests(SNOOP, [VISIBLE, *HIDDEN]), ensure_ascii=False)


def test_a_hidden_test_that_passes_says_so():
    """Passing hidden tests are reported as passed, by name."""
    result = runner.run_tests(SUM, [{"name": "v", "code": "expect(sum([1])).toBe(1);"},
                                    {"name": "h", "code": "console.log('x'); expect(sum([2, 3])).toBe(5);"}],
                              hidden_from=1)
    assert result["tests"] == [{"name": "v", "passed": True, "message": "", "logs": []},
                               {"name": "h", "passed": True, "message": "", "logs": []}]


def test_the_visible_results_are_final_before_the_first_hidden_test_runs():
    """on_visible gets the example tests' results, once, before any hidden test runs; they
    are the ones reported at the end (nothing after a hidden input changes them)."""
    calls = []
    result = runner.run_tests(SNOOP, [VISIBLE, *HIDDEN], hidden_from=1, on_visible=calls.append)
    assert len(calls) == 1
    assert calls[0] == {"logs": result["logs"], "tests": result["tests"][:1]}
    assert SECRET not in json.dumps(calls, ensure_ascii=False)
    none = []
    runner.run_tests(SNOOP, [VISIBLE], on_visible=none.append)
    assert none == []


@pytest.mark.parametrize("trap", [
    "for (;;) {}",
    "const a = []; for (;;) a.push(new Array(100000).fill(item));",
])
def test_a_hidden_test_that_meets_a_limit_just_fails(trap):
    """A timeout or a memory error in a hidden test is not the grading's status: that test and
    the later ones fail, the hidden tests before it keep their result, the examples theirs."""
    source = f"export function f(item) {{\n  if (item === '{SECRET}') {{ {trap} }}\n  return item;\n}}\n"
    tests = [{"name": "v", "code": "expect(f('a')).toBe('a');"},
             {"name": "h1", "code": "expect(f('b')).toBe('b');"},
             {"name": "h2", "code": f"f('{SECRET}');"},
             {"name": "h3", "code": "expect(f('c')).toBe('c');"}]
    result = runner.run_tests(source, tests, hidden_from=1, time_limit_ms=1000, heap_limit_bytes=64 << 20)
    assert (result["status"], result["error"], result["line"], result["logs"]) == ("ok", "", None, [])
    assert [(t["passed"], t["message"], t["logs"]) for t in result["tests"]] == [
        (True, "", []), (True, "", []), (False, "", []), (False, "", [])]
    assert result.get("recycle") is True  # the worker that hit the limit is still replaced
    visible = runner.run_tests(source, [{"name": "h2", "code": f"f('{SECRET}');"}], time_limit_ms=1000,
                               heap_limit_bytes=64 << 20)
    assert visible["status"] in ("timeout", "memory")  # as an example test, the learner is told


def test_a_harness_that_breaks_in_a_hidden_test_fails_it_quietly(monkeypatch):
    """If anything in the grader goes wrong while a hidden test runs, that test and the later
    ones fail and nothing says what happened."""
    drive = runner._drive
    calls = []

    async def breaking(ev, nonce):
        calls.append(1)
        if len(calls) == 3:  # the module, the example, then the first hidden test
            raise runner.JSEvalException("the harness broke")
        return await drive(ev, nonce)

    monkeypatch.setattr(runner, "_drive", breaking)
    result = runner.run_tests(SUM, [{"name": "v", "code": "expect(sum([1])).toBe(1);"},
                                    {"name": "h1", "code": "expect(sum([1])).toBe(1);"},
                                    {"name": "h2", "code": "expect(sum([1])).toBe(1);"}], hidden_from=1)
    assert result["status"] == "ok"
    assert [(t["passed"], t["message"]) for t in result["tests"]] == [(True, ""), (False, ""), (False, "")]


def test_hidden_from_must_be_a_test_index():
    """A hidden_from outside the tests is a programming error."""
    for wrong in (-1, 3, "1", True):
        with pytest.raises(ValueError, match="hidden_from"):
            runner.run_tests(SUM, [{"name": "a", "code": "1"}, {"name": "b", "code": "1"}], hidden_from=wrong)


# ---- the learner's module cannot get out of its function ----

def test_code_the_transformer_lets_through_cannot_close_the_module_function(monkeypatch):
    """Whatever text reaches V8 (here a transformer that passes a closing "});" through), it
    is compiled as the module function's body alone: it is a syntax error, not code that runs
    outside the harness."""
    escape = "});\nglobalThis.escaped = 1;\n__lms.load = null;\n(async function () {"
    monkeypatch.setattr(runner, "transform", lambda source, transforms: escape)
    result = runner.run_tests("export const x = 1;\n", [{"name": "t", "code": "expect(globalThis.escaped).toBeUndefined();"}])
    assert result["status"] == "syntax_error"
    assert result["tests"][0]["passed"] is False


@pytest.mark.parametrize(("source", "line"), [
    ("export const f = () => 1;\nconst z = 1 <!-- `\n}); globalThis.escaped = 1; (async function () {\n//`;\n", 2),
    ("export const f = () => 1;\nconst s = `\n--> `; globalThis.escaped = 1;\n", 3),
    ("export const f = () => 1;\nlet v = 0;\nv = v <!-- 1; v = 2;\n", 3),
    ("export const f = () => 1;\nconst s = `\n /* a */ --> `;\n", 3),
])
def test_html_like_comments_are_refused_with_their_line(source, line):
    """`<!--` (and `-->` first on a line) would be a comment to V8 and code to a module: the
    learner is told where, in their language, and nothing runs."""
    result = run(source, "expect(globalThis.escaped).toBeUndefined();")
    assert (result["status"], result["line"]) == ("syntax_error", line)
    assert "HTML rule" in result["error"]
    latvian = run(source, "expect(1).toBe(1);", locale="lv")
    assert "HTML noteikums" in latvian["error"]


def test_lines_and_columns_of_errors_are_the_learners_own():
    """The module is compiled as a function body: errors on its first and later lines, and
    stack frames in logs, still name the learner's line and column."""
    result = run("null.x;\n", "expect(1).toBe(1);")
    assert (result["status"], result["line"], result["column"]) == ("error", 1, 6)
    source = "export function f() {\n  console.log(new Error('here').stack.split('\\n')[1].trim());\n  return 1;\n}\n"
    assert run(source, "f();")["tests"][0]["logs"] == ["at f (learner.js:2:15)"]


def test_a_module_may_start_with_a_hashbang_line():
    """`#!` on the first line is allowed in a module, so it is here."""
    assert one("#!/usr/bin/env node\nexport const x = 1;\n", "expect(x).toBe(1);") == (True, "")
