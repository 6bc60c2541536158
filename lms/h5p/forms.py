from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms.validators import DataRequired

from lms.core.forms import Form


class LibraryPackageForm(Form):
    package = FileField(_l("H5P package (.h5p)"), validators=[DataRequired(message=_l("Choose an .h5p file."))])


class LibraryDecisionForm(Form):
    """Approve or withdraw the approval of one library: a button, with CSRF."""
