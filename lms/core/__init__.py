"""Cross-cutting pieces every domain uses: role checks, safe redirects, languages,
error pages, the mailer, the site's own pages (home, health check), the platform identity
that records are built from, and the ``flask lms`` command group."""
