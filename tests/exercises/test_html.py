"""`language: html` exercises: the learner's answer is a page, its <style> read with PostCSS.

The tests get `document` (the learner's page, parsed, never run), `css()` (the page's style
sheet: value/has/declarations/media) and the accessible-name helpers (`accessibleName`,
`getByLabelText`, also in `environment: dom`). Each case grades a right and a wrong page.
"""

from __future__ import annotations

import pytest

from lms.exercises import runner

PAGE = """<!doctype html>
<html lang="lv">
<head>
  <title>Kafejnīca</title>
  <style>
    nav ul { display: flex; gap: 1rem; }
    .card,
    .menu  >  li { padding: 1rem; margin: 0   auto; }
    p { color: red !important; }
    p { color: blue; }
    @media (min-width: 600px) {
      .grid { display: grid; grid-template-columns: repeat(2, 1fr); }
    }
  </style>
</head>
<body>
  <nav aria-label="Galvenā izvēlne"><ul class="menu"><li><a href="/">Sākums</a></li></ul></nav>
  <label for="email">E-pasts</label> <input id="email" type="email">
  <label>Vārds <input name="name"></label>
  <h2 id="h">Pasūtījums</h2><input aria-labelledby="h" name="order">
  <button><img src="lupa.svg" alt="Meklēt"></button>
  <button aria-label="Aizvērt">×</button>
  <input type="submit" value="Sūtīt">
  <img src="logo.png" alt="">
  <script>document.body.innerHTML = "";</script>
  <button onclick="x()"><span aria-hidden="true">★</span> Patīk</button>
</body>
</html>
"""


def grade(page, *codes, locale="lv"):
    tests = [{"name": f"t{i}", "code": code} for i, code in enumerate(codes)]
    return runner.run_tests(page, tests, language="html", locale=locale)


def one(page, code, locale="lv"):
    result = grade(page, code, locale=locale)
    assert result["status"] == "ok", result
    test = result["tests"][0]
    return test["passed"], test["message"]


def test_the_page_is_the_tests_document_and_its_scripts_do_not_run():
    assert one(PAGE, "expect(document.documentElement.getAttribute('lang')).toBe('lv');"
                     "expect(document.querySelectorAll('button')).toHaveLength(3);"
                     "expect(document.title).toBe('Kafejnīca');") == (True, "")


@pytest.mark.parametrize("code", [
    "expect(css().value('nav ul', 'display')).toBe('flex')",
    # selectors and values compared with the spaces a person does not notice taken out
    "expect(css().value('.menu > li', 'margin')).toBe('0 auto')",
    "expect(css().value('.card', 'padding')).toBe('1rem')",
    # the last declaration wins, unless an earlier one is !important
    "expect(css().value('p', 'color')).toBe('red')",
    "expect(css().value('.grid', 'grid-template-columns', { media: 'min-width:600px' })).toBe('repeat(2, 1fr)')",
    "expect(css().has('.grid', 'display')).toBe(false)",
    "expect(css().has('.grid', 'display', { media: '(min-width: 600px)' })).toBe(true)",
    "expect(css().media()).toEqual(['(min-width: 600px)'])",
    "expect(css().declarations('display').map((d) => d.value)).toEqual(['flex', 'grid'])",
])
def test_css_reads_rules_declarations_and_media_queries(code):
    assert one(PAGE, code) == (True, "")


@pytest.mark.parametrize("code, latvian, english", [
    ("css().value('.grid', 'display')",
     'jūsu stilu lapā nav kārtulas ar selektoru ".grid" (ārpus @media)',
     'your style sheet has no rule for the selector ".grid" (outside @media)'),
    ("css().value('.grid', 'display', { media: 'max-width: 599px' })",
     'jūsu stilu lapā nav kārtulas ar selektoru ".grid" vaicājumā @media ar "max-width: 599px"',
     'your style sheet has no rule for the selector ".grid" inside an @media with "max-width: 599px"'),
    ("css().value('nav ul', 'flex-wrap')",
     'kārtula ar selektoru "nav ul" nenosaka īpašību "flex-wrap"',
     'the rule for "nav ul" does not set "flex-wrap"'),
    ("getByLabelText('Tālrunis')",
     'getByLabelText("Tālrunis") neatrada veidlapas lauku ar šādu nosaukumu (<label>, aria-label vai aria-labelledby)',
     'getByLabelText("Tālrunis") found no form field with that name (a <label>, aria-label or aria-labelledby)'),
])
def test_what_is_missing_is_named_in_the_learners_language(code, latvian, english):
    assert one(PAGE, code) == (False, latvian)
    assert one(PAGE, code, locale="en") == (False, english)


def test_a_css_syntax_error_is_reported_with_the_line_of_the_page():
    result = grade("<!doctype html>\n<p>Sveiki</p>\n<style>\np { color: red; }\n}\n</style>\n",
                   "expect(1).toBe(1)")
    assert result["status"] == "syntax_error"
    assert result["line"] == 5
    assert result["error"] == "CSS kodā elementā <style> ir kļūda jūsu lapas 5. rindā: Unexpected }"


@pytest.mark.parametrize("selector, name", [
    ("nav", "Galvenā izvēlne"),                 # aria-label
    ("#email", "E-pasts"),                      # <label for>
    ("[name=name]", "Vārds"),                   # <label> around the field
    ("[name=order]", "Pasūtījums"),             # aria-labelledby
    ("button", "Meklēt"),                       # the alt of the image inside
    ("button[aria-label]", "Aizvērt"),          # aria-label wins over the text
    ("[type=submit]", "Sūtīt"),                 # a submit button's value
    ("img[src='logo.png']", ""),                # a decorative image has an empty name
    ("button[onclick]", "Patīk"),               # aria-hidden content is left out
    ("a", "Sākums"),
])
def test_accessible_names_follow_the_rules_a_screen_reader_uses(selector, name):
    assert one(PAGE, f"expect(accessibleName(document.querySelector({selector!r}))).toBe({name!r})") == (True, "")


def test_get_by_label_text_finds_the_field_a_label_names():
    assert one(PAGE, "expect(getByLabelText('E-pasts').getAttribute('type')).toBe('email');"
                     "expect(getByLabelText('Vārds').getAttribute('name')).toBe('name');") == (True, "")


def test_a_field_without_a_label_has_no_name_and_the_test_says_so():
    page = "<!doctype html><html lang='lv'><body><p>E-pasts</p><input id='email' type='email'></body></html>"
    assert one(page, "expect(accessibleName(document.querySelector('input'))).toBe('E-pasts')") == (
        False, 'gaidīja "E-pasts", bet saņēma ""')


def test_accessible_name_helpers_work_in_the_dom_environment_of_javascript_exercises():
    source = ("export function field() {\n  const label = document.createElement('label');\n"
              "  label.textContent = 'Meklēt';\n  const input = document.createElement('input');\n"
              "  label.append(input);\n  document.body.append(label);\n  return input;\n}\n")
    result = runner.run_tests(source, [{"name": "t", "code": "expect(accessibleName(field())).toBe('Meklēt')"},
                                       {"name": "u", "code": "css()"}],
                              environment="dom", locale="lv")
    assert [t["passed"] for t in result["tests"]] == [True, False]
    assert "css is not defined" in result["tests"][1]["message"]


def test_accessible_name_needs_an_element():
    assert one(PAGE, "accessibleName('button')") == (
        False, "accessibleName() vajag elementu, piemēram, accessibleName(document.querySelector('button')), "
               "bet saņēma \"button\"")


def test_a_hidden_test_on_a_page_says_only_passed_or_failed():
    result = runner.run_tests(PAGE, [{"name": "v", "code": "expect(1).toBe(1)"},
                                     {"name": "h", "code": "css().value('.nope', 'color')"}],
                              language="html", locale="lv", hidden_from=1)
    assert [(t["passed"], t["message"]) for t in result["tests"]][0] == (True, "")
    assert result["tests"][1]["passed"] is False and "nope" not in result["tests"][1]["message"]
