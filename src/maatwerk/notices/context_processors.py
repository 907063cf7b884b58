"""The unread-notifications link in the page header."""

from functools import cache

from maatwerk.accounts.middleware import OPEN_PREFIXES
from maatwerk.accounts.twofactor import two_factor_needed

from .selectors import unread_count


def notifications(request):
    """``notifications_unread``: the number of the user's unread notifications,
    counted (one COUNT query) only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Outside the open paths, TwoFactorRequiredMiddleware has already sent a user who
    # still owes a second factor away; on them, check (it costs queries).
    if (
        request.path.startswith(OPEN_PREFIXES)
        and not user.is_verified()
        and two_factor_needed(user)
    ):
        return {}  # half logged in: nothing to show yet
    return {"show_notifications": True, "notifications_unread": cache(lambda: unread_count(user))}
