from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DecimalField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.admin.forms import CheckboxesField, choices
from lms.catalog.forms import AUDIENCE_NAMES, LANGUAGE_NAMES, LEVEL_NAMES
from lms.core.forms import Form


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
