"""What a service raises besides ``ValidationError`` (bad input, field by field)."""

from django.core.exceptions import PermissionDenied


class ConflictError(Exception):
    """Someone else saved first; carries what they saved."""

    def __init__(self, message, current=None):
        super().__init__(message)
        self.current = current


class NotAllowed(PermissionDenied):
    """The user may not do this (a rule of the access policy, not bad input). Views
    normally never get here, because they check first; a service raises it so that a
    call from elsewhere (a command, the API, a test) cannot bypass the rule. It is a
    ``PermissionDenied``, so Django answers 403 if it reaches the top."""
