"""One Latvian term per concept across the JavaScript and React track (issue 16): the
glossary page names the HTML and CSS terms too, and no lesson, exercise or quiz of the
track uses a variant the glossary does not."""

from __future__ import annotations

import re

import pytest
import yaml

from lms.content.services import COURSES_DIR

GLOSSARY = COURSES_DIR / "js-fundamentals" / "lessons" / "glossary.md"

# A variant someone might write -> the glossary's term a learner should see instead.
VARIANTS = {
    r"\blinter(s|a|im|u)\b": "koda pārbaudes rīks",
    r"\bnotikumu apstrādātāj": "notikuma apstrādātājs",
    r"\bcilp(a|as|ā|u)\b": "cikls",
    r"(?<!„)\bāķ(is|a|i|im)\b": "hook",  # the word's literal translation, in quotes, may be told once
    r"\bbultiņfunkcij": "bultfunkcija",
    r"\btrīskārš": "nosacījuma operators",
    r"\brenderē": "attēlot",
    r"\bkomit": "iesūtījums",
    r"\bmediju pieprasījum": "mediju vaicājums",
    r"\bskatlog": "skata apgabals",
    r"\bpolsterējum": "iekšējā atkāpe",
    r"\bpieejamības nosaukum": "pieejamais nosaukums",
    r"\batzīmes rūtiņ": "izvēles rūtiņa",
    r"\bradio pog": "radiopoga",
    r"\bbultiņu taustiņ": "bulttaustiņi",
    r"\bpēcnācēj": "pēctecis",
    r"\bresponsīv": "adaptīvs",
    r"\bpielāgojam(s|a|u|ā) (izkārtojum|lap|dizain)": "adaptīvs",
    r"\btestu rīk": "testu izpildītājs",
}


def track_files():
    """Every lesson, exercise, quiz and task of the courses in the js-react track."""
    for course in sorted(COURSES_DIR.iterdir()):
        manifest = course / "course.yaml"
        if not manifest.is_file() or yaml.safe_load(manifest.read_text(encoding="utf-8")).get("track") != "js-react":
            continue
        for folder in ("lessons", "exercises", "quizzes", "tasks"):
            yield from sorted((course / folder).glob("*.*"))


def test_the_glossary_names_the_html_and_css_terms():
    """A learner who meets a selector or a media query in HTML un CSS finds its Latvian term."""
    text = GLOSSARY.read_text(encoding="utf-8")
    for term in ("elements / tags", "atribūts", "kārtula / selektors", "kastes modelis", "flexbox", "režģis",
                 "mediju vaicājums", "pieejamais nosaukums", "etiķete", "izvēles rūtiņa / radiopoga",
                 "skata apgabals", "reduktors", "konteksts / nodrošinātājs"):
        assert f"| {term}" in text, term


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_track_uses_the_glossary_term_not_a_variant(variant):
    """No page of the track says a concept with another word than the glossary's."""
    found = [f"{path.relative_to(COURSES_DIR)}:{number}"
             for path in track_files()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(variant, line, re.IGNORECASE)]
    assert found == [], f"use „{VARIANTS[variant]}” in {found}"
