from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField

from lms.core.forms import Form


class FeedbackForm(Form):
    """A comment on one piece of work; the service checks the target and the line."""

    target = HiddenField()
    target_id = HiddenField()
    line = StringField(_l("Line (optional)"), description=_l("The number of a line of the code, to comment on it."))
    body = TextAreaField(_l("Comment for the learner"),
                         description=_l("Markdown. The learner sees it on the item's page and gets a notification."))
