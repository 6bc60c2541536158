"""Courses, their modules and items (lessons, quizzes), and the catalogue learners browse."""
