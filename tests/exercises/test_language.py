"""The grader's messages in the learner's language: Latvian with locale="lv", English by default."""

from __future__ import annotations

import json
import re

import pytest

from lms.exercises import runner
from lms.exercises.sandbox import Pool

WRONG = "export function sum(numbers) {\n  return 5;\n}\nexport function check(n) {\n  return n;\n}\n"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def message(code, **kwargs):
    result = runner.run_tests(WRONG, [{"name": "t", "code": code}], **kwargs)
    assert result["status"] == "ok", result
    return result["tests"][0]["message"]


def harness_table() -> dict:
    """The message table of harness.js, read from a real grading context."""
    async def read():
        ev = runner._Evaluator(runner.MiniRacer(), runner._Clock(5000))
        try:
            options = {"nonce": "n", "react": False, "dom": False, "clockStart": 0, "locale": "en"}
            await ev("(" + runner._HARNESS + ")(" + json.dumps(options) + ");")
            return json.loads(await ev('__lms.messages("n")'))
        finally:
            await ev.close()
    return runner._run(read())


def test_every_harness_message_has_both_languages_with_the_same_placeholders():
    """No learner meets an English or broken message on a Latvian page: same keys, same {names}."""
    table = harness_table()
    assert set(table) == {"en", "lv"}
    assert set(table["en"]) == set(table["lv"]) and len(table["en"]) > 60
    for key, english in table["en"].items():
        latvian = table["lv"][key]
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(latvian)), key
        assert latvian != english or english == "" or key in (), key


@pytest.mark.parametrize("code, english, latvian", [
    ("expect(sum([1])).toBe(6);", "expected 5 to be 6", "gaidīja 6, bet saņēma 5"),
    ("expect(sum([1])).not.toBe(5);", "expected 5 not to be 5", "gaidīja vērtību, kas nav 5, bet saņēma 5"),
    ("expect({ a: sum([]) }).toEqual({ a: 6 });", "expected { a: 5 } to equal { a: 6 }",
     "gaidīja vērtību, kas vienāda ar { a: 6 }, bet saņēma { a: 5 }"),
    ("expect(() => check(1)).toThrow('too small');",
     'expected the code to throw an error containing "too small", but it did not throw',
     'gaidīja, ka kods izmetīs kļūdu, kas satur "too small", bet tas neko neizmeta'),
    ("expect(() => check(1)).toThrow();", "expected the code to throw, but it did not throw",
     "gaidīja, ka kods izmetīs kļūdu, bet tas neko neizmeta"),
    ("expect(check(undefined)).toBeCloseTo(1);", "expected a number, but got undefined",
     "gaidīja skaitli, bet saņēma undefined"),
    ("expect([sum([])]).toContain(6);", "expected [ 5 ] to contain 6", "gaidīja, ka [ 5 ] saturēs 6, bet tā nav"),
    ("expect(sum([]) + '\u00a0EUR').toBe('5 EUR');",
     'expected "5\\u00a0EUR" to be "5 EUR" (the texts look alike but differ in characters you cannot see: '
     "your text has a no-break space (\\u00a0))",
     'gaidīja "5 EUR", bet saņēma "5\\u00a0EUR" (teksti izskatās vienādi, bet atšķiras ar rakstzīmēm, ko nevar '
     "redzēt: jūsu tekstā ir nedalāmā atstarpe (\\u00a0))"),
    ("await new Promise(() => {});",
     "the test did not finish: it waits for something that never happens (a promise that never settles?)",
     "tests nepabeidza darbu: tas gaida kaut ko, kas nekad nenotiek (solījumu, kas nekad neatrisinās?)"),
])
def test_a_failing_expectation_is_told_in_english_by_default_and_in_latvian_with_lv(code, english, latvian):
    """The same failure reads in English by default and in natural Latvian for a Latvian learner."""
    assert message(code) == english
    assert message(code, locale="en") == english
    assert message(code, locale="lv") == latvian


def test_the_line_of_the_learners_code_is_named_in_latvian():
    """An error thrown in the learner's function names its line in the learner's language."""
    source = "export function f() {\n  throw new Error('boom');\n}\n"
    tests = [{"name": "t", "code": "f();"}]
    assert runner.run_tests(source, tests)["tests"][0]["message"] == "Error: boom (line 2 of your code)"
    assert runner.run_tests(source, tests, locale="lv")["tests"][0]["message"] == "Error: boom (2. rinda jūsu kodā)"


def test_an_unknown_locale_is_refused():
    """A language the grader has no messages for is a programming error, named as such."""
    with pytest.raises(ValueError, match="unknown locale 'de'"):
        runner.run_tests(WRONG, [{"name": "t", "code": ""}], locale="de")


@pytest.fixture(scope="module")
def pool():
    with Pool(workers=1, memory_mb=256, max_code_bytes=4096) as shared:
        yield shared


def test_the_sandbox_passes_the_locale_to_the_worker(pool):
    """A grading through the worker pool comes back in Latvian when asked, in English by default."""
    tests = [{"name": "t", "code": "expect(sum([1])).toBe(6);"}]
    assert pool.grade(WRONG, tests).tests[0].message == "expected 5 to be 6"
    assert pool.grade(WRONG, tests, locale="lv").tests[0].message == "gaidīja 6, bet saņēma 5"


def test_a_timeout_and_not_run_tests_are_told_in_latvian(pool, app):
    """Code that never ends: each test says it was not run, in the learner's language."""
    source = "export function sum() { while (true) {} }\nsum();\n"
    tests = [{"name": "t", "code": "expect(1).toBe(1);"}]
    with app.app_context():
        english = pool.grade(source, tests, time_limit_ms=300)
        latvian = pool.grade(source, tests, time_limit_ms=300, locale="lv")
    assert english.status == latvian.status == "timeout"
    assert english.tests[0].message == "Not run: the code ran longer than the time limit."
    assert latvian.tests[0].message == "Nav palaists: kods darbojās ilgāk par laika ierobežojumu."


def test_too_large_code_is_refused_in_latvian(pool, app):
    """Code over the size limit is refused before it runs, with the reason in Latvian."""
    with app.app_context():
        result = pool.grade("x" * 5000, [{"name": "t", "code": ""}], locale="lv")
    assert result.status == "too_large"
    assert result.tests[0].message == "Nav palaists: kods ir lielāks, nekā atļauts."
    assert result.error == "Kods ir 5000 baitu garš; pieņem ne vairāk kā 4096 baitu."
