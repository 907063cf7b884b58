"""The admin's start section: the accounts that need them (docs/start-pages.md).

Accounts are not case data: the section shows usernames and counts, and writes no
access-log row. Four queries whatever the number of users."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from maatwerk.accounts.models import User

START_SIZE = 5


def _accounts(request):
    user = request.user
    if not user.has_perm("accounts.change_user"):
        return None
    from django_otp.plugins.otp_totp.models import TOTPDevice

    active = User.objects.filter(is_active=True)
    device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    lists = {
        # Active accounts without a role: they can log in and reach nothing.
        "without_role": active.filter(groups__isnull=True, is_superuser=False),
        # A role that requires the second factor, and no confirmed device yet.
        "without_second_factor": active.filter(groups__role__requires_two_factor=True)
        .filter(~Exists(device))
        .distinct(),
        # Never logged in: a welcome to send, or an account nobody needs.
        "never_logged_in": active.filter(last_login__isnull=True),
    }
    totals = active.aggregate(
        without_role=_count(Q(pk__in=lists["without_role"].values("pk"))),
        without_second_factor=_count(Q(pk__in=lists["without_second_factor"].values("pk"))),
        never_logged_in=_count(Q(last_login__isnull=True)),
    )
    shown = {
        name: list(rows.order_by("username").values_list("username", flat=True)[:START_SIZE])
        for name, rows in lists.items()
    }
    return {
        "template": "web/_start_accounts.html",
        "shown": shown,
        "totals": totals,
        "users_url": reverse("admin:accounts_user_changelist"),
    }


def _count(condition):
    return Count("pk", filter=condition)
