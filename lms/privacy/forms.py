from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.core.forms import Form
from lms.privacy.requests import MAX_REASON

STATUS_NAMES = {"open": _l("Waiting for a decision"), "erased": _l("Approved: erased"), "refused": _l("Refused")}
REQUESTER_NAMES = {"self": _l("the person themselves"), "teacher": _l("their teacher"),
                   "admin": _l("an administrator")}


class ErasureRequestForm(Form):
    reason = TextAreaField(_l("Why (optional)"), validators=[Optional(), Length(max=MAX_REASON)],
                           description=_l("An administrator reads it before deciding. It is deleted with the data."))


class RefuseForm(Form):
    reason = TextAreaField(_l("Reason for refusing"), validators=[DataRequired(), Length(max=MAX_REASON)],
                           description=_l("The person who asked sees it."))


class AccessLogSearchForm(Form):
    class Meta:
        csrf = False  # a search (GET) changes nothing

    viewer = StringField(_l("Who looked (name or username)"), validators=[Optional(), Length(max=80)])
    subject = StringField(_l("Whose data (name or username)"), validators=[Optional(), Length(max=80)])
    what = SelectField(_l("What"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


class ExportForm(Form):
    """Ask for a new copy of a person's data (nothing to fill in: the button and its token)."""
