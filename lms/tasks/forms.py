from flask_babel import lazy_gettext as _l
from wtforms import MultipleFileField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from lms.core.forms import Form
from lms.tasks.models import ACCEPTED, ANOTHER_TRY

DECISION_NAMES = {ACCEPTED: _l("Accept the work"), ANOTHER_TRY: _l("Ask for another try")}


class HandInForm(Form):
    """The learner's working copy; the service checks every field (files by their content)."""

    text = TextAreaField(_l("Your answer"), description=_l("Markdown: **bold**, *italics*, lists and links work."))
    link = StringField(_l("Link"), description=_l("For example your repository or your published page, "
                                                  "starting with https://."))
    files = MultipleFileField(_l("Add files"))


class ReviewForm(Form):
    """The comment and the decision; the rubric's levels are read by the service."""

    comment = TextAreaField(_l("Comment for the learner"),
                            description=_l("Markdown. Say what is good and, for another try, what to change."))
    decision = RadioField(_l("Decision"), choices=[SelectChoice(value, label) for value, label in DECISION_NAMES.items()], validate_choice=False)


class ReviewerForm(Form):
    user = StringField(_l("Username or e-mail address of a teacher"), validators=[DataRequired(), Length(max=254)])
