from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    """A team of professionals within an organisation (a wijkteam, a desk)."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "register.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


class User(AbstractUser):
    """A person who logs in. Roles are the groups the user belongs to."""

    organisation = models.ForeignKey(
        "register.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    teams = models.ManyToManyField(
        Team, verbose_name=_("teams"), related_name="members", blank=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("use_admin_site", _("Can use functional management"))]

    def role_codes(self) -> list[str]:
        """The codes of this user's roles, cached per instance."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = sorted(
                Role.objects.filter(group__user=self).values_list("code", flat=True)
            )
        return self._role_codes

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Role(models.Model):
    """A role: a group of permissions with a description, assigned to users as data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.OneToOneField(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="role"
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_nl = models.TextField(_("description (Dutch)"))
    description_en = models.TextField(_("description (English)"))
    requires_two_factor = models.BooleanField(
        _("requires two-factor login"),
        default=False,
        help_text=_("Users with this role must log in with a second factor."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    @property
    def description(self) -> str:
        lang = get_language() or "nl"
        return self.description_en if lang.startswith("en") else self.description_nl


class UserSession(models.Model):
    """The sessions a user has open, so that they can all be ended at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="open_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("open session")
        verbose_name_plural = _("open sessions")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"
