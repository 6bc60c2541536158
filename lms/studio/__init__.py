"""The course studio: authors write courses in the browser as course packages (the format
of ``docs/course-format.md``) kept in the database, one package per revision; an admin
publishes a revision through the same import as course files."""
