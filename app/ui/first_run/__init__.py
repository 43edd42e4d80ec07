"""The first-run set-up a new workstation shows before the log-in window (see app.services.setup)."""
from app.ui.first_run.wizard import FirstRunDialog

__all__ = ["FirstRunDialog"]
