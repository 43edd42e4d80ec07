"""Administration: user accounts, roles, unlocks and training records; policy acknowledgements,
hotlists and retention (see admin_tabs.admin_section)."""
