from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DecimalField, FieldList, FormField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms import Form as WTForm
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.admin.forms import CheckboxesField, choices
from lms.catalog.forms import AUDIENCE_NAMES, LANGUAGE_NAMES, LEVEL_NAMES
from lms.core.forms import TRANSLATIONS, Form


class CourseSettingsForm(Form):
    """A course's settings: the fields of course.yaml an author sets."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary for the catalogue"), validators=[DataRequired(), Length(max=1000)])
    language = SelectField(_l("Language of the content"), choices=choices(LANGUAGE_NAMES), validators=[DataRequired()])
    audiences = CheckboxesField(_l("For"), choices=choices(AUDIENCE_NAMES),
                                validators=[DataRequired(message=_l("Choose at least one audience."))])
    level = SelectField(_l("Level"), choices=choices(LEVEL_NAMES), validators=[DataRequired()])
    estimated_hours = DecimalField(_l("Estimated hours"), places=None,
                                   validators=[InputRequired(), NumberRange(min=0.5, max=1000)])
    # Chosen by name from the frameworks' competences and levels (choices set by the view).
    competences = SelectMultipleField(_l("Competences the course develops"), choices=[], validate_choice=True,
                                      description=_l("Type a name to find it; hold Ctrl (or Cmd) to choose "
                                                     "several."))
    base = HiddenField()


class PackageForm(Form):
    package = FileField(_l("Course package (.zip)"), validators=[DataRequired(message=_l("Choose a .zip file."))])


class AuthorForm(Form):
    user = StringField(_l("Username or e-mail address of a teacher"), validators=[DataRequired(), Length(max=254)])


class LessonForm(Form):
    base = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    minutes = IntegerField(_l("Minutes (optional)"), validators=[Optional(), NumberRange(min=1, max=600)])
    body = TextAreaField(_l("Lesson text (Markdown)"), validators=[DataRequired(), Length(max=500_000)])


class ItemSourceForm(Form):
    """A quiz, an exercise or a task as its file (YAML), checked by the validator."""

    base = HiddenField()
    text = TextAreaField(_l("The item's file (YAML)"), validators=[DataRequired(), Length(max=500_000)])


QUESTION_TYPE_NAMES = {"single": _l("Single choice (one correct option)"),
                       "multiple": _l("Multiple choice (one or more correct options)"),
                       "true_false": _l("True or false"), "numeric": _l("Number"),
                       "text": _l("Short text answer")}
SHOW_ANSWER_NAMES = {
    "after_passed_or_last_attempt": _l("Once the learner has passed or used the last attempt"),
    "after_each_attempt": _l("After every attempt"),
    "after_passed": _l("Once the learner has passed"),
    "never": _l("Never (only right or wrong and the score)")}


class _Part(WTForm):
    """A part of a form repeated in a list (the whole form carries the CSRF token); its
    messages in the page's language as every form's."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS


class OptionForm(_Part):
    """One option of a choice question."""

    id = HiddenField()
    text = StringField(_l("Option text"), validators=[Length(max=2000)])
    correct = BooleanField(_l("Correct"))
    feedback = StringField(_l("Feedback when chosen (optional)"), validators=[Length(max=2000)])


class QuestionForm(_Part):
    """One question; which of its fields count depends on its type."""

    id = HiddenField()
    type = SelectField(_l("Type of question"), choices=choices(QUESTION_TYPE_NAMES), default="single")
    prompt = TextAreaField(_l("Question (Markdown)"), validators=[Length(max=20_000)])
    points = DecimalField(_l("Points (optional, 1 if empty)"), places=None,
                          validators=[Optional(), NumberRange(min=0.01, max=1000)])
    shuffle = SelectField(_l("Order of the options"), choices=choices({
        "": _l("As the quiz says"), "yes": _l("A new order each attempt"), "no": _l("Always as written")}), default="")
    options = FieldList(FormField(OptionForm), label=_l("Options"))
    truth = SelectField(_l("The statement is"), choices=choices({"true": _l("True"), "false": _l("False")}),
                        default="true")
    answer = DecimalField(_l("Correct number"), places=None, validators=[Optional()])
    tolerance = DecimalField(_l("Accepted difference (optional)"), places=None,
                             validators=[Optional(), NumberRange(min=0)])
    accepted = TextAreaField(_l("Accepted answers, one a line"), validators=[Length(max=20_000)])
    case_sensitive = BooleanField(_l("Capital letters must match"))
    feedback_correct = TextAreaField(_l("Feedback when answered correctly (optional)"),
                                     validators=[Length(max=5000)])
    feedback_incorrect = TextAreaField(_l("Feedback when answered wrongly (optional)"),
                                       validators=[Length(max=5000)])


class QuizForm(Form):
    """A quiz's settings and questions, written as the quiz's file (YAML) and checked by
    the validator."""

    base = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    intro = TextAreaField(_l("Introduction (optional, Markdown)"), validators=[Length(max=20_000)])
    pass_mark = IntegerField(_l("Pass mark (percent of the points)"),
                             validators=[InputRequired(), NumberRange(min=0, max=100)])
    max_attempts = IntegerField(_l("Attempts allowed (empty for unlimited)"),
                                validators=[Optional(), NumberRange(min=1, max=1000)])
    show_answers = SelectField(_l("Show the correct answers and feedback"), choices=choices(SHOW_ANSWER_NAMES),
                               default="after_passed_or_last_attempt")
    shuffle_options = BooleanField(_l("Show the options of choice questions in a new order each attempt"))
    draw = IntegerField(_l("Questions asked per attempt (empty for all; fewer makes a question pool)"),
                        validators=[Optional(), NumberRange(min=1, max=1000)])
    competences = SelectMultipleField(_l("Competences the quiz shows"), choices=[], validate_choice=True,
                                      description=_l("Type a name to find it; hold Ctrl (or Cmd) to choose "
                                                     "several."))
    questions = FieldList(FormField(QuestionForm), label=_l("Questions"))
