from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from lms.core.forms import Form


class DigestForm(Form):
    email_digest = BooleanField(_l("E-mail me a daily digest of my notifications"))
