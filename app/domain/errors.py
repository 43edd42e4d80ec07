"""Errors a user can act on. Each carries a sentence fit to show as it is."""
from __future__ import annotations


class PlateDeskError(Exception):
    """Base for errors the UI and CLI show to the user."""


class ValidationError(PlateDeskError):
    """Input that cannot be accepted (a weak password, a bad date, an empty pattern)."""


class NotFound(PlateDeskError):
    pass


class AuthenticationFailed(PlateDeskError):
    """Wrong user name or password; deliberately says which of the two it was not."""

    def __init__(self) -> None:
        super().__init__("The user name or password is not correct.")


class Refused(PlateDeskError):
    """The caller may not do this. The CLI exits 3 on any of these."""


class PermissionDenied(Refused):
    pass


class AccountLocked(Refused):
    pass


class TrainingRequired(Refused):
    """No ALPR data before training is recorded and the policy acknowledged (424.3(d), 424.8)."""
