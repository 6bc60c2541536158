"""Every domain's models, imported in one place so Alembic and ``db.create_all`` see the
whole schema."""

from lms.accounts.models import User, UserRole  # noqa: F401
from lms.catalog.models import Course, Item, Module  # noqa: F401
from lms.learning.models import Certificate, Enrollment, ItemProgress, ModuleCompletion, QuizAttempt  # noqa: F401
from lms.xapi.models import (  # noqa: F401
    ActivityDefinition, ActorLink, Attachment, Credential, Document, OutboxEntry, Statement, StatementActivity,
    StatementAgent)
from lms.competence.models import (  # noqa: F401
    ActivityCompetence, Competence, Evidence, Framework, LearnerCompetence, RoleProfile, SelfAssessment,
    SelfAssessmentAnswer)
from lms.teaching.models import ClassCourse, ClassMember, SchoolClass  # noqa: F401
from lms.admin.models import ActiveDay  # noqa: F401
from lms.exercises.models import ExerciseDraft, ExerciseSubmission, GradingJob  # noqa: F401
