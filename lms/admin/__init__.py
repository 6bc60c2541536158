"""The programme manager's pages: people and roles (later: credentials, figures)."""
