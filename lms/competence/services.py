"""Competences: frameworks from data files, activity mappings, evidence from statements,
profiles, role readiness and the self-assessment. Each concern has its module
(``frameworks``, ``mappings``, ``evidence``, ``profiles``, ``readiness``,
``self_assessment``); this one gathers their operations under the one name other domains
call (``from lms.competence import services as competence``)."""

from lms.competence.frameworks import (  # noqa: F401
    FRAMEWORKS_DIR,
    QUESTIONNAIRE_FILE,
    FrameworkError,
    read_framework,
    import_frameworks,
    has_frameworks,
    competence_choices,
    competence_for,
    named_references,
    SELF_ASSESSMENT_FRAMEWORK,
    PracticeStatement,
    Questionnaire,
    read_questionnaire,
    questionnaire,
    self_assessment_framework,
)
from lms.competence.mappings import (  # noqa: F401
    map_activities,
    admin_mappings,
    MappingError,
    add_mapping,
    admin_mapping,
    remove_mapping,
    unmapped_activities,
)
from lms.competence.evidence import (  # noqa: F401
    EVIDENCE_VERBS,
    on_statements,
    on_link,
)
from lms.competence.profiles import (  # noqa: F401
    CompetenceLevel,
    FrameworkProfile,
    profile,
    activity_names,
    statement_for,
    levels_for,
    not_yet_assessed_for,
    competences_of_sources,
    evidence_of,
)
from lms.competence.readiness import (  # noqa: F401
    Gap,
    Readiness,
    readiness,
    closing_activities,
)
from lms.competence.self_assessment import (  # noqa: F401
    self_assessed,
    self_assessment_answers,
    save_self_assessment,
    learning_plan,
)
