from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, DateField, DateTimeLocalField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from lms.accounts.services import MIN_PASSWORD_LENGTH
from lms.core.forms import Form
from lms.teaching.services import LEGAL_BASES


class LegalBasisForm(Form):
    legal_basis = RadioField(_l("On what basis do the members take part?"), choices=[SelectChoice(key, label) for key, label in LEGAL_BASES.items()],
                             validators=[DataRequired(message=_l("Choose on what basis the class's members take part."))])
    basis_date = DateField(_l("Date parents were informed or consent collected"), validators=[Optional()],
                           description=_l("Needed for pupils. Pupils cannot join until the basis is recorded."))


class ClassForm(Form):
    name = StringField(_l("Class name"), validators=[DataRequired(), Length(max=120)],
                       description=_l("For example “Robotics club, Tuesdays”."))
    group = StringField(_l("Year group or adult group"), validators=[Optional(), Length(max=60)])
    ends_on = DateField(_l("Ends on (optional)"), validators=[Optional()],
                        description=_l("After this date the join code stops working."))
    legal_basis = RadioField(_l("On what basis do the members take part?"), choices=[SelectChoice(key, label) for key, label in LEGAL_BASES.items()],
                             validators=[DataRequired(message=_l("Choose on what basis the class's members take part."))])
    basis_date = DateField(_l("Date parents were informed or consent collected"), validators=[Optional()],
                           description=_l("Needed for pupils. Pupils cannot join until the basis is recorded."))


DATE_TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


def _moment(label, description=None):
    """A date and time as a teacher types it, in the site's time zone."""
    return DateTimeLocalField(label, validators=[Optional()], format=DATE_TIME_FORMATS, description=description,
                              invalid_value_message=_l("Enter a date and a time, such as 2026-03-14 18:00."))


class DueDatesForm(Form):
    opens_at = _moment(_l("Opens on (optional)"),
                       _l("Before this date and time the work cannot be handed in yet."))
    due_at = _moment(_l("Due on (optional)"), _l("Date and time in the school's time zone."))
    close_at_due = BooleanField(_l("Close hand-in at the due date"))


class AssignForm(DueDatesForm):
    course = SelectField(_l("Course"), choices=[], validators=[DataRequired()])


# The single-item form shares the class page with the course form: its fields' names and
# ids carry this prefix, so no id is there twice.
ITEM_PREFIX = "single"


class AssignItemForm(DueDatesForm):
    item = SelectField(_l("Item"), choices=[], validators=[DataRequired()],
                       description=_l("One lesson, quiz or exercise of a course, with a due date of its own."))


class AnnouncementForm(Form):
    body = TextAreaField(_l("Announcement"),
                         description=_l("Markdown: **bold**, *italics*, lists and links. At most 5000 characters."))


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
