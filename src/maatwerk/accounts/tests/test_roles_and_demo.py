import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from maatwerk.accounts.models import Role, User
from maatwerk.accounts.roles import ROLE_CODES, ROLES, sync_roles

pytestmark = pytest.mark.django_db


def test_every_role_exists_with_dutch_description_and_its_permissions():
    assert set(Role.objects.values_list("code", flat=True)) == set(ROLE_CODES)
    for definition in ROLES:
        role = Role.objects.get(code=definition.code)
        assert role.description_nl and role.name_nl
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in role.group.permissions.all()}
        assert set(definition.permissions) <= granted, definition.code
    assert Role.objects.get(code="admin").requires_two_factor
    assert Role.objects.get(code="privacy_officer").requires_two_factor
    assert not Role.objects.get(code="professional").requires_two_factor


def test_analyst_cannot_read_the_access_log_or_manage_the_register(make_user):
    analyst = make_user("analyst")
    assert analyst.has_perm("register.view_organisation")
    assert not analyst.has_perm("audit.view_accesslogentry")
    assert not analyst.has_perm("register.change_organisation")


def test_a_new_user_has_no_permissions_at_all(make_user):
    user = make_user()
    assert user.get_all_permissions() == set()


def test_sync_roles_keeps_permissions_added_by_an_administrator():
    group = Group.objects.get(role__code="analyst")
    extra = Permission.objects.get(codename="view_team")
    group.permissions.add(extra)
    sync_roles()
    assert group.permissions.filter(pk=extra.pk).exists()


def test_demo_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo")
    assert not User.objects.exists()


def test_demo_creates_one_user_per_role_idempotently(settings, capsys):
    settings.DEBUG = True
    call_command("demo")
    output = capsys.readouterr().out
    first = {u.username: sorted(u.role_codes()) for u in User.objects.all()}
    call_command("demo")
    second = {u.username: sorted(u.role_codes()) for u in User.objects.all()}
    assert first == second
    for code in ROLE_CODES:
        assert first[code] == [code]
    assert first["professional2"] == ["professional"]
    professional = User.objects.get(username="professional")
    professional2 = User.objects.get(username="professional2")
    assert professional.teams.get().organisation != professional2.teams.get().organisation
    assert professional.check_password(settings.DEMO_PASSWORD)
    assert "two-factor (TOTP) secret" in output
    assert output.count("two-factor (TOTP) secret") == 2


def test_demo_forced_with_debug_off(settings):
    settings.DEBUG = False
    call_command("demo", force=True)
    assert User.objects.filter(username="admin").exists()
