"""Names cannot hide characters that disguise them."""

import pytest

from lms.core.text import describe, hidden_character


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
                                  "\u2069", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff",
                                  "\u061c", "\u00ad", "\U000e0041", "\u0000", "\u0007", "\n", "\t", "\u007f",
                                  "\u0085", "\u2028", "\u2029", "\u3164", "\ud800"])
def test_bidirectional_zero_width_and_control_characters_are_found(char):
    assert hidden_character(f"Anna{char}Liepa") == char


@pytest.mark.parametrize("name", ["Jānis Bērziņš", "Ļoti Čakls Šķūnis", "Zoë O'Brien-Smith", "Алексей",
                                  "محمد", "李雷", "Anna 🙂", "5.b klase · robotika"])
def test_names_in_any_script_are_fine(name):
    assert hidden_character(name) is None


def test_a_hidden_character_is_named_by_its_code_point_and_unicode_name():
    assert describe("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert describe("\u0007") == "U+0007"
