"""Administration: user accounts, roles, unlocks and training records."""
