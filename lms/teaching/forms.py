from flask_babel import lazy_gettext as _l
from wtforms import DateField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from lms.accounts.services import MIN_PASSWORD_LENGTH
from lms.core.forms import Form


class ClassForm(Form):
    name = StringField(_l("Class name"), validators=[DataRequired(), Length(max=120)],
                       description=_l("For example “Robotics club, Tuesdays”."))
    group = StringField(_l("Year group or adult group"), validators=[Optional(), Length(max=60)])
    ends_on = DateField(_l("Ends on (optional)"), validators=[Optional()],
                        description=_l("After this date the join code stops working."))


class AssignForm(Form):
    course = SelectField(_l("Course"), choices=[], validators=[DataRequired()])


class PupilPasswordForm(Form):
    password = PasswordField(_l("New password for the pupil"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200,
                               message=_l("The password must have at least %(min)d characters."))])


class JoinForm(Form):
    code = StringField(_l("Class code"), validators=[DataRequired(), Length(max=20)],
                       description=_l("The code your teacher gave you."))
    display_name = StringField(_l("Your first name or a nickname"), validators=[DataRequired(), Length(max=80)])
    username = StringField(_l("Choose a username"), validators=[DataRequired(), Length(min=3, max=32)],
                           description=_l("3 to 32 characters: letters, digits, dots, dashes, underscores."))
    password = PasswordField(_l("Choose a password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200,
                               message=_l("The password must have at least %(min)d characters."))])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
