"""Whose a piece of a case is and who may hear it, as the team's pages show it next to
every perspective, goal, action and safety text (cases.audience decides; this only
says it)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..audience import audience_label, voice_label

register = template.Library()


@register.simple_tag
def heard_by(audience, voice):
    """``<span>`` “Whose: … · may hear it: …” for a piece of ``voice``."""
    return format_html(
        '<span class="maatwerk-audience maatwerk-audience--{}" data-testid="audience">{}</span>',
        audience,
        _("Whose: %(whose)s · may hear it: %(heard)s")
        % {"whose": voice_label(voice), "heard": audience_label(audience, voice)},
    )


@register.filter
def whose(voice):
    return voice_label(voice)
