from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectChoice, SelectField
from wtforms.validators import Length, Optional

from lms.core.forms import Form

AUDIENCE_NAMES = {"pupil": _l("Pupils"), "adult": _l("Adults"), "teacher": _l("Teachers")}
LEVEL_NAMES = {"beginner": _l("Beginner"), "intermediate": _l("Intermediate"), "advanced": _l("Advanced")}
LANGUAGE_NAMES = {"lv": "Latviešu", "en": "English"}


def _choices(names: dict, empty) -> list[SelectChoice]:
    return [SelectChoice("", empty)] + [SelectChoice(key, label) for key, label in names.items()]


class CatalogueFilterForm(Form):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
    audience = SelectField(_l("For"), choices=_choices(AUDIENCE_NAMES, _l("Everyone")), validators=[Optional()])
    track = SelectField(_l("Track"), choices=[], validators=[Optional()])
    level = SelectField(_l("Level"), choices=_choices(LEVEL_NAMES, _l("Any level")), validators=[Optional()])
    language = SelectField(_l("Language"), choices=_choices(LANGUAGE_NAMES, _l("Any language")),
                           validators=[Optional()])
