"""A learner's path through a course: enrolment, lessons, quizzes, progress, completion
and certificates. Each step records its xAPI statements through the one door."""
