"""Messages made where no request is at hand (the course validator, competence
references), in English for command-line tools and logs, shown later in a page's language."""

from __future__ import annotations

from flask_babel import gettext


class Deferred(str):
    """A message in English (what command-line tools and logs print) that keeps its
    message id and values, so a page shows it in its own language with ``translated``.
    Code that must not depend on a request (the course validator) makes its messages so."""

    template: str
    values: dict

    def __new__(cls, template: str, **values) -> Deferred:
        made = super().__new__(cls, template % values if values else template)
        made.template, made.values = template, values
        return made


def N_(template: str, **values) -> Deferred:  # noqa: N802 (gettext's name for a message marked, not translated)
    """Mark ``template`` for translation (``make translations-update`` extracts it) and
    give it in English now; ``translated`` gives it in the page's language later."""
    return Deferred(template, **values)


def translated(message: str) -> str:
    """A ``Deferred`` message in the page's language; any other text as it is."""
    if isinstance(message, Deferred):
        return gettext(message.template, **{key: translated(value) for key, value in message.values.items()})
    return message
