"""Cross-cutting pieces every domain uses: role checks, safe redirects, languages,
error pages, the mailer, the site's own pages (home, health check) and the ``flask lms``
command group."""
