"""Reviewed tasks: work a learner hands in (an answer, files, a link) and a person reviews
with a rubric; accepted work completes the item and is assessed competence evidence."""
