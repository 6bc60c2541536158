"""Every domain's models, imported in one place so Alembic and ``db.create_all`` see the
whole schema."""

from lms.core.models import PlatformIdentity  # noqa: F401
from lms.core import identity  # noqa: F401  (fixes the identity when create_all makes its table)
from lms.accounts.models import SignInSession, User, UserRole  # noqa: F401
from lms.catalog.models import Course, Item, Module  # noqa: F401
from lms.learning.models import Certificate, Enrollment, ItemProgress, ModuleCompletion, QuizAttempt  # noqa: F401
from lms.xapi.models import (  # noqa: F401
    ActivityDefinition, Actor, ActorLink, Attachment, Credential, Document, OutboxEntry, Statement, StatementActivity,
    StatementAgent)
from lms.competence.models import (  # noqa: F401
    ActivityCompetence, Competence, Evidence, Framework, LearnerCompetence, RoleProfile, SelfAssessment,
    SelfAssessmentAnswer)
from lms.teaching.models import (  # noqa: F401
    Announcement, AnnouncementRead, CalendarFeed, ClassCourse, ClassItem, ClassMember, SchoolClass)
from lms.admin.models import ActiveDay  # noqa: F401
from lms.exercises.models import ExerciseDraft, ExerciseSubmission, GradingJob  # noqa: F401
from lms.tasks.models import CourseReviewer, FileBlob, HandIn, Review, TaskDraft, TaskFile  # noqa: F401
from lms.notifications.models import Notification, NotificationPreference  # noqa: F401
from lms.gradebook.models import Feedback  # noqa: F401

from lms.studio.models import StudioAuthor, StudioCourse, StudioMember, StudioRevision  # noqa: F401

from lms.audit.models import AccessLogEntry  # noqa: F401
from lms.privacy.models import DataExport, ErasureRequest, ForwardedStatement  # noqa: F401
from lms.h5p.models import H5PContent, H5PLibrary, H5PLibraryFile, H5PState  # noqa: F401
