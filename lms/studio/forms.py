from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (BooleanField, DecimalField, FieldList, FormField, HiddenField, IntegerField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
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
    competences = SelectMultipleField(_l("Competences the lesson develops (optional)"), choices=[],
                                      validate_choice=True, description=_l("Type a name to find it; hold Ctrl "
                                                                           "(or Cmd) to choose several."))
    body = TextAreaField(_l("Lesson text (Markdown)"), validators=[DataRequired(), Length(max=500_000)])


class ItemSourceForm(Form):
    """A quiz, an exercise or a task as its file (YAML), checked by the validator."""

    base = HiddenField()
    text = TextAreaField(_l("The item's file (YAML)"), validators=[DataRequired(), Length(max=500_000)])


class ImageForm(Form):
    """An image uploaded into the course from a lesson's editor, with its alt text."""

    base = HiddenField()
    image = FileField(_l("Image (PNG, JPEG, GIF, WebP or SVG, at most 1 MiB)"),
                      validators=[DataRequired(message=_l("Choose an image file."))],
                      render_kw={"accept": ".png,.jpg,.jpeg,.gif,.webp,.svg"})
    alt = StringField(_l("Alt text: what the image shows"),
                      validators=[DataRequired(message=_l("Describe the image in its alt text: people who cannot "
                                                          "see it hear that.")), Length(max=300)],
                      description=_l("The image is added at the end of the saved lesson; save your changes to "
                                     "the text first, then move the image line where it belongs."))


class CourseReviewerForm(Form):
    """An admin names a teacher who reviews and publishes studio courses."""

    user = StringField(_l("Username or e-mail address of the new reviewer (a teacher)"),
                       validators=[DataRequired(), Length(max=254)])
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


class _PartsChecked:
    """For an item's form with lists of parts: U+0000 is refused in the parts' text too
    (``Form`` checks the top-level fields)."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)

        def walk(container):
            nonlocal valid
            for field in container:
                if isinstance(field, (FieldList, FormField)):
                    walk(field)
                elif isinstance(field.data, str) and "\x00" in field.data:
                    field.errors = [*field.errors, _l("This contains a character that is not allowed (U+0000).")]
                    valid = False

        for field in self:
            if isinstance(field, FieldList):
                walk(field)
        return valid


class QuizForm(_PartsChecked, Form):
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


COMPETENCES_HELP = _l("Type a name to find it; hold Ctrl (or Cmd) to choose several.")


class ExerciseTestForm(_Part):
    name = StringField(_l("Name of the test"), validators=[Length(max=200)])
    code = TextAreaField(_l("Test code"), validators=[Length(max=64_000)])


class ExerciseForm(_PartsChecked, Form):
    """A code exercise's fields, written as the exercise's file (YAML) and checked by the
    validator, which also grades the solution and the starter."""

    base = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language"), choices=choices({"javascript": _l("JavaScript"),
                                                            "react": _l("React (JavaScript with JSX)")}),
                           default="javascript")
    environment = SelectField(_l("Environment"), choices=choices({
        "": _l("Plain JavaScript"), "dom": _l("A web page (document and window)")}), default="")
    minutes = IntegerField(_l("Minutes (optional)"), validators=[Optional(), NumberRange(min=1, max=600)])
    time_limit_ms = IntegerField(_l("Time limit in milliseconds (optional, 2000 if empty)"),
                                 validators=[Optional(), NumberRange(min=100, max=10_000)])
    competences = SelectMultipleField(_l("Competences the exercise shows"), choices=[], validate_choice=True,
                                      description=COMPETENCES_HELP)
    instructions = TextAreaField(_l("Instructions (Markdown)"), validators=[Length(max=100_000)])
    starter = TextAreaField(_l("Starter code (what the editor starts with)"), validators=[Length(max=64_000)])
    solution = TextAreaField(_l("Reference solution (never shown to learners)"), validators=[Length(max=64_000)])
    tests = FieldList(FormField(ExerciseTestForm), label=_l("Example tests (learners see them)"))
    hidden_tests = FieldList(FormField(ExerciseTestForm), label=_l("Hidden tests (learners see only the names)"))


class RubricLevelForm(_Part):
    name = StringField(_l("Level"), validators=[Length(max=200)])
    points = DecimalField(_l("Points"), places=None, validators=[Optional()])
    description = StringField(_l("Description (optional)"), validators=[Length(max=2000)])


class CriterionForm(_Part):
    id = HiddenField()
    name = StringField(_l("Criterion"), validators=[Length(max=200)])
    description = StringField(_l("Description (optional)"), validators=[Length(max=2000)])
    levels = FieldList(FormField(RubricLevelForm), label=_l("Levels"))


FILE_TYPE_NAMES = {"pdf": _l("PDF"), "png": _l("PNG image"), "jpeg": _l("JPEG photo"), "text": _l("Plain text"),
                   "zip": _l("ZIP archive"), "docx": _l("Word document"), "xlsx": _l("Excel workbook"),
                   "pptx": _l("PowerPoint presentation"), "odt": _l("OpenDocument text"),
                   "ods": _l("OpenDocument spreadsheet"), "odp": _l("OpenDocument presentation")}


class TaskForm(_PartsChecked, Form):
    """A reviewed task's fields, written as the task's file (YAML) and checked by the validator."""

    base = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    minutes = IntegerField(_l("Minutes (optional)"), validators=[Optional(), NumberRange(min=1, max=6000)])
    competences = SelectMultipleField(_l("Competences the task shows"), choices=[], validate_choice=True,
                                      description=COMPETENCES_HELP)
    instructions = TextAreaField(_l("Instructions (Markdown)"), validators=[Length(max=100_000)])
    hand_in_text = BooleanField(_l("A written answer"))
    hand_in_link = BooleanField(_l("A link (web address)"))
    hand_in_files = BooleanField(_l("Files"))
    file_types = CheckboxesField(_l("Kinds of file accepted"), choices=choices(FILE_TYPE_NAMES))
    max_files = IntegerField(_l("Most files (optional, 1 if empty)"),
                             validators=[Optional(), NumberRange(min=1, max=10)])
    max_size_mb = DecimalField(_l("Largest file in MB (optional, 10 if empty)"), places=None,
                               validators=[Optional(), NumberRange(min=0.1, max=100)])
    rubric = FieldList(FormField(CriterionForm), label=_l("Rubric"))
    pass_mark = IntegerField(_l("Pass mark (optional: percent of the rubric's points needed to accept)"),
                             validators=[Optional(), NumberRange(min=0, max=100)])


ITEM_FORMS = {"quiz": QuizForm, "exercise": ExerciseForm, "task": TaskForm}


H5P_COMPLETION_NAMES = {"opened": _l("When the learner opens it"), "completed": _l("When the learner completes it"),
                        "score": _l("When the learner's score reaches the pass mark")}


class H5PItemForm(Form):
    """An H5P activity: its ``.h5p`` file (required when it is added, optional when it is
    replaced) and what the course says of it."""

    base = HiddenField()
    package = FileField(_l("H5P file (.h5p)"), description=_l("Made in Lumi or on any H5P site: download it "
                                                              "there as an .h5p file."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    competences = SelectMultipleField(_l("Competences the activity develops (optional)"), choices=[],
                                      validate_choice=True, description=_l("Type a name to find it; hold Ctrl "
                                                                           "(or Cmd) to choose several."))
    completion = SelectField(_l("When the activity counts as completed"), choices=choices(H5P_COMPLETION_NAMES), default="completed",
                             validators=[DataRequired()])
    pass_mark = IntegerField(_l("Pass mark (0–100 %)"), validators=[Optional(), NumberRange(min=0, max=100)],
                             description=_l("Used only when the score decides completion."))
    assessed = BooleanField(_l("Counts as assessed evidence"),
                            description=_l("Leave this off unless you trust the score: H5P computes it in the "
                                           "learner's browser, where it can be forged. Off, the activity counts "
                                           "toward completion and participation only."))
    optional = BooleanField(_l("Optional"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.completion.data == "score" and self.pass_mark.data is None and not self.pass_mark.errors:
            self.pass_mark.errors = [*self.pass_mark.errors,
                                     _l("Give a pass mark from 0 to 100 when the score decides completion.")]
            return False
        return valid

    def settings(self) -> dict:
        return {"title": self.title.data.strip(), "competences": list(self.competences.data or []),
                "completion": self.completion.data, "pass_mark": self.pass_mark.data,
                "assessed": bool(self.assessed.data)}

