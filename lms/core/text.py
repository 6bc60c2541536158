"""Names people and course files give (display names, usernames, class names, course and
item titles) must look like what they are.

A right-to-left override (U+202E) shows "Anna‮nimda" as "Annaadmin"; a zero-width space
makes two usernames or class names that look identical differ; a line separator or a
control character breaks a CSV export, a log line or a layout. So names may not contain
format characters (Unicode's Cf class: the bidirectional embeddings, overrides and
isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E/U+200F and U+061C, the
zero-width characters U+200B–U+200D, U+2060 and U+FEFF, soft hyphens, tag characters),
control characters (Cc), surrogates (Cs), line and paragraph separators (Zl, Zp), or the
Hangul fillers, letters that print nothing. Ordinary spaces, accents and every script's
letters are fine.

``hidden_character`` is the one test every entry point uses (forms through the services,
the command line, course validation); each caller words the refusal for its reader.
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l

REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Letters (category Lo) that draw nothing: a name made of them looks empty.
INVISIBLE_LETTERS = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0"})


def hidden_character(text: str) -> str | None:
    """The first character of ``text`` that may not be in a name, or None."""
    for char in text:
        if unicodedata.category(char) in REFUSED_CATEGORIES or char in INVISIBLE_LETTERS:
            return char
    return None


def describe(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: the only way to name a character that cannot be seen."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".rstrip()


def name_problem(value: str, field):
    """The message refusing ``value`` for the field called ``field`` (translated), or None."""
    char = hidden_character(value or "")
    if char is None:
        return None
    return _l("“%(field)s” contains an invisible or text-direction character (%(character)s). "
              "Please type it again without that character.", field=field, character=describe(char))
