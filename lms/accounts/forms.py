from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from lms.accounts.services import MIN_PASSWORD_LENGTH
from lms.core.forms import Form

LOCALE_CHOICES = [SelectChoice("", _l("As my browser asks")), SelectChoice("lv", "Latviešu"),
                  SelectChoice("en", "English")]


def _password(label):
    return PasswordField(label, validators=[
        DataRequired(),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("The password must have at least %(min)d characters.")),
    ])


class RegisterForm(Form):
    audience = RadioField(_l("I am"), choices=[
        SelectChoice("adult", _l("an adult learner")),
        SelectChoice("teacher", _l("a teacher")),
    ], default="adult", validators=[DataRequired()])
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)],
                               description=_l("Shown to your teachers and on certificates."))
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=32)],
                           description=_l("3 to 32 characters: letters, digits, dots, dashes, underscores."))
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = _password(_l("Password"))
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class LoginForm(Form):
    login = StringField(_l("Username or e-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = _password(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))])


class SettingsForm(Form):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)


class ResetRequestForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])


class ResetPasswordForm(Form):
    password = _password(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
