"""Which team an import or export is for, from a command-line option."""

from django.core.management.base import CommandError

from maatwerk.accounts.models import Team


def team_from_option(value: str) -> Team:
    """A team by its id or by its (exact) name; refused when unknown or ambiguous."""
    if value.isdigit():
        team = Team.objects.filter(pk=int(value)).first()
        if team is not None:
            return team
    teams = list(Team.objects.filter(name=value)[:2])
    if not teams:
        raise CommandError(f"No team named {value!r}.")
    if len(teams) > 1:
        raise CommandError(f"More than one team is named {value!r}: give its id.")
    return teams[0]
