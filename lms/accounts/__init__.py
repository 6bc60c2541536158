"""People and their roles: registration, signing in, passwords, and the account itself."""
