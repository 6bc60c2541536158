"""Reading course packages from disk (``courses/<slug>/``): checking them, reporting
every problem with file, line and field, and importing them into the catalogue."""
