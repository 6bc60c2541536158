from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class DigestForm(FlaskForm):
    email_digest = BooleanField(_l("E-mail me a daily digest of my notifications"))
