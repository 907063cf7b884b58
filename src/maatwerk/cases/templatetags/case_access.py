"""What the case pages' templates may show of a case, from the one policy
(``cases.selectors``): the links that change a case (``may_work_on``) and the
emergency-access banner."""

from django import template

from ..selectors import emergency_access_of, may_work_on

register = template.Library()


def _cached(case, user, name, decide) -> bool:
    """One answer per (case object, user, question) while a page renders: the header,
    the body and the links ask the same thing more than once."""
    cache = case.__dict__.setdefault("_access_answers", {})
    key = (name, user.pk)
    if key not in cache:
        cache[key] = decide(user, case)
    return cache[key]


@register.filter
def workable_for(case, user) -> bool:
    """``{% if case|workable_for:user %}``: the user may change the case (not only an
    emergency access)."""
    return _cached(case, user, "work", may_work_on)


@register.simple_tag
def emergency_access(case, user):
    """``{% emergency_access case user as access %}``: the user's running emergency
    access when the user sees this case only through one."""
    return emergency_access_of(user, case)
