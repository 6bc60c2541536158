"""The Latvian catalogue is complete: every string in the code and templates has a
translation, with the same placeholders, and none is left fuzzy."""

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from lms.config import REPO_ROOT

CATALOGUE = REPO_ROOT / "lms" / "translations" / "lv" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def extracted_messages() -> set[str]:
    """What `make translations-update` would extract from the sources right now."""
    method_map = [("lms/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None,
                "ngettext": (1, 2), "lazy_ngettext": (1, 2)}
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(REPO_ROOT), method_map, options, keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def latvian() -> Catalog:
    with open(CATALOGUE, "rb") as handle:
        return read_po(handle, locale="lv")


def test_every_user_facing_string_is_in_the_latvian_catalogue():
    catalogue = {m.id[0] if isinstance(m.id, tuple) else m.id for m in latvian() if m.id}
    missing = extracted_messages() - catalogue
    assert not missing, "run `make translations-update` and translate: " + repr(sorted(missing))


def test_every_latvian_translation_is_there_and_keeps_its_placeholders():
    problems = []
    for message in latvian():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        for string in strings:
            if not string:
                problems.append(f"untranslated: {ids[0]!r}")
            elif set(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    assert problems == []


def test_latvian_has_three_plural_forms():
    assert latvian().num_plurals == 3


def test_the_catalogue_keeps_its_header_so_it_compiles():
    """Without its header pybabel calls the catalogue fuzzy and skips it: the site is English."""
    assert not latvian().fuzzy
    assert latvian().plural_expr.replace(" ", "") == "(n%10==1&&n%100!=11?0:n!=0?1:2)"


def test_plural_forms_pick_the_right_latvian_form(app):
    """1 and 21 take the singular, 2 and 11 the plural, 0 its own form (the order the translations use)."""
    from flask_babel import ngettext

    with app.test_request_context(headers={"Accept-Language": "lv"}):
        found = [ngettext("%(count)s account found.", "%(count)s accounts found.", n, count=n)
                 for n in (1, 21, 2, 11, 0)]
    assert found == ["Atrasts 1 konts.", "Atrasts 21 konts.", "Atrasti 2 konti.", "Atrasti 11 konti.",
                     "Atrasts 0 kontu."]


def test_the_compiled_catalogue_is_served(client):
    page = client.get("/login", headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert "Pieteikties" in page and "Sign in" not in page
    assert Path(CATALOGUE.with_suffix(".mo")).exists()
