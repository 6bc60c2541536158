"""Who looked at whose personal data: the one access log. It sits low in the domain
order (just above accounts), so every domain that shows one person's data to another
(tasks, teaching, gradebook, admin, privacy) records the read here without an import
pointing up the layers."""
