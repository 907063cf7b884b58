"""What the case pages' templates may show of a case, from the one policy
(``cases.selectors``): the sensitive sections (``may_see_sensitive``), the links that
change a case (``may_work_on``) and the emergency-access banner. One answer per (case
object, user) while a page renders (``cached=True``): the header, the body and the
links ask the same thing more than once."""

from django import template

from ..selectors import SENSITIVE_DOMAINS, emergency_access_of, may_see_sensitive, may_work_on

register = template.Library()


@register.filter
def sensitive_for(case, user) -> bool:
    """``{% if case|sensitive_for:user %}``: the user may see the case's sensitive
    sections."""
    return may_see_sensitive(user, case, cached=True)


@register.filter
def workable_for(case, user) -> bool:
    """``{% if case|workable_for:user %}``: the user may change the case (not only an
    emergency access)."""
    return may_work_on(user, case, cached=True)


@register.filter
def is_sensitive(domain) -> bool:
    return domain is not None and domain.code in SENSITIVE_DOMAINS


@register.filter
def domains_shown(domains, sensitive: bool) -> list:
    """The life domains to show: all of them with ``sensitive``, otherwise those that
    are not sensitive."""
    return [d for d in domains if sensitive or d.code not in SENSITIVE_DOMAINS]


@register.simple_tag
def emergency_access(case, user):
    """``{% emergency_access case user as access %}``: the user's running emergency
    access when the user sees this case only through one."""
    return emergency_access_of(user, case, cached=True)
