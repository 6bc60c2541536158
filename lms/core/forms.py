"""Form helpers shared by every domain: the base form and showing a service's refusal."""

from __future__ import annotations

from flask_babel import get_translations, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm


class LibraryTranslations:
    """WTForms' own messages ("This field is required.", lengths, e-mail, choices, dates,
    numbers) through the project's catalogue, in the page's language. WTForms ships no
    Latvian catalogue, and Flask-WTF's i18n only reads WTForms' own, so without this the
    messages stay English on Latvian pages."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Not flask_babel.ngettext: it would format the text with ``num`` at once, and
        # WTForms formats it afterwards with its own names (%(min)d, %(max)d).
        return get_translations().ungettext(singular, plural, n)


TRANSLATIONS = LibraryTranslations()


class Form(FlaskForm):
    """Every form of the platform: CSRF from Flask-WTF, and every message, WTForms' own
    too, in the page's language."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS

    def validate(self, extra_validators=None) -> bool:
        """Also refuse U+0000 in any text, which PostgreSQL can neither store nor compare
        (a 500 there, not a message, without this)."""
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and "\x00" in field.data:
                field.errors = [*field.errors, _l("This contains a character that is not allowed (U+0000).")]
                valid = False
        return valid


# WTForms' messages, listed so that `make translations-update` puts them in the catalogue
# (tests/core/test_forms.py checks the list against the messages WTForms ships).
LIBRARY_MESSAGES = (
    _l("Invalid field name '%s'."),
    _l("Field must be equal to %(other_name)s."),
    lazy_ngettext("Field must be at least %(min)d character long.",
                  "Field must be at least %(min)d characters long.", 1),
    lazy_ngettext("Field cannot be longer than %(max)d character.",
                  "Field cannot be longer than %(max)d characters.", 1),
    lazy_ngettext("Field must be exactly %(max)d character long.",
                  "Field must be exactly %(max)d characters long.", 1),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid IP address."),
    _l("Invalid Mac address."),
    _l("Invalid URL."),
    _l("Invalid UUID."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
    _l("Invalid Choice: could not coerce."),
    _l("Choices cannot be None."),
    _l("Not a valid choice."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    lazy_ngettext("'%(value)s' is not a valid choice for this field.",
                  "'%(value)s' are not valid choices for this field.", 1),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
)


def show_error(form, message, field: str | None = None) -> None:
    """Show a service's refusal next to the field it names, or at the top of the form."""
    target = getattr(form, field, None) if field else None
    if target is not None:
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)
