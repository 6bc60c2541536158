"""Competences: frameworks (DigComp 2.2, DigCompEdu, JavaScript/React) as data, which
activities evidence which competence at which level, the evidence derived from each
stored statement, and every learner's levels, each traceable to its statements."""
