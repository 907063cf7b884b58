from maatwerk.accounts.twofactor import two_factor_needed

from .navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"main_nav": []}
    if not user.is_verified() and two_factor_needed(user):
        return {"main_nav": []}  # half logged in: nothing to navigate to yet
    return {"main_nav": nav_for(user, request.path)}
