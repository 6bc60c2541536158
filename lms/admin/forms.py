from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, SelectChoice, PasswordField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.accounts.services import MIN_PASSWORD_LENGTH
from lms.core.forms import Form
from lms.xapi.models import CREDENTIAL_NAME_LENGTH, GRANT_REASON_LENGTH

ROLE_NAMES = {"learner": _l("Learner"), "teacher": _l("Teacher"), "admin": _l("Administrator")}
AUDIENCE_NAMES = {"pupil": _l("Pupil"), "adult": _l("Adult learner"), "teacher": _l("Teacher")}


def choices(names: dict, empty_label=None) -> list[SelectChoice]:
    options = [SelectChoice("", empty_label)] if empty_label is not None else []
    return options + [SelectChoice(value, label) for value, label in names.items()]


ROLE_CHOICES = choices(ROLE_NAMES)
AUDIENCE_CHOICES = choices(AUDIENCE_NAMES)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RolesForm(Form):
    roles = CheckboxesField(_l("Roles"), choices=ROLE_CHOICES,
                            validators=[DataRequired(message=_l("Choose at least one role."))])


class NewUserForm(Form):
    audience = RadioField(_l("Account for"), choices=AUDIENCE_CHOICES, default="pupil",
                          validators=[DataRequired()])
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=80)],
                               description=_l("For pupils, a first name or a nickname is enough."))
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=32)])
    email = EmailField(_l("E-mail address"), validators=[Optional(), Email(), Length(max=254)],
                       description=_l("Leave empty for pupils."))
    password = PasswordField(_l("Initial password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200,
                               message=_l("The password must have at least %(min)d characters."))])
    roles = CheckboxesField(_l("Roles"), choices=ROLE_CHOICES, default=["learner"],
                            validators=[DataRequired(message=_l("Choose at least one role."))])


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=choices(ROLE_NAMES, _l("Any role")), validators=[Optional()])
    audience = SelectField(_l("Audience"), choices=choices(AUDIENCE_NAMES, _l("Any audience")),
                           validators=[Optional()])
    status = SelectField(_l("Status"), choices=choices(
        {"active": _l("Active"), "inactive": _l("Inactive")}, _l("Active and inactive")),
                         validators=[Optional()])


SCOPE_NAMES = {
    "statements/write": _l("Send statements"),
    "statements/read/mine": _l("Read the statements it sent"),
    "statements/read": _l("Read all statements"),
    "state": _l("Activity state"),
    "profile": _l("Activity and agent profiles"),
    "all/read": _l("Read everything"),
    "all": _l("Everything"),
}


class CredentialForm(Form):
    name = StringField(_l("Credential name"), validators=[DataRequired(), Length(max=CREDENTIAL_NAME_LENGTH)],
                       description=_l("The app or device that will use it, e.g. “VR lab, Ventspils”."))
    scopes = CheckboxesField(_l("Allowed to"), choices=choices(SCOPE_NAMES), default=["statements/write"],
                             validators=[DataRequired(message=_l("Choose at least one scope."))])


class GrantForm(Form):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=GRANT_REASON_LENGTH)],
                         description=_l("Kept with the grant, e.g. “Agreement with the VR lab of 12 March”."))


class MappingForm(Form):
    activity_id = StringField(_l("Activity id (IRI)"), validators=[DataRequired(), Length(max=1024)],
                              description=_l("As the external app sends it, e.g. https://vr-lab.example/activities/solar-system"))
    competence = StringField(_l("Competence and level"), validators=[DataRequired(), Length(max=80)],
                             description=_l("framework:code@level, e.g. digcomp:1.1@3 or digcompedu:3.1@B1"))
    min_score = StringField(_l("Minimum score (optional)"), validators=[Optional(), Length(max=10)],
                            description=_l("A scaled score from 0 to 1 the statement must reach, e.g. 0.8"))


class ActorSearchForm(Form):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Search by e-mail address, OpenID or account"), validators=[Optional(), Length(max=200)])


class LinkActorForm(Form):
    actor_key = HiddenField(validators=[DataRequired(), Length(max=512)])
    learner = StringField(_l("Learner’s username or e-mail address"),
                          validators=[DataRequired(message=_l("Enter the learner’s username or e-mail address.")),
                                      Length(max=254)])


class UnlinkActorForm(Form):
    actor_key = HiddenField(validators=[DataRequired(), Length(max=512)])
