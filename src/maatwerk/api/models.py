"""System clients and their tokens (docs/api.md, "Tokens").

A system client is an organisation's system (a municipality's case system, a
creditor's collection system). It acts as a **service account**: an ordinary user
without a password, with the roles and teams functional management gives it. So the
one access policy of the pages applies to it unchanged (``visible_cases`` and the
other apps' policies), and the access log names it like any user. A token adds the
scopes: which parts of the API it may call at all.

A token is shown once, when it is made; only its SHA-256 is stored (a token is 256
bits of randomness, so a plain hash suffices, as for GitHub's tokens). It expires,
and it can be revoked.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "mwk"


class Scope(models.TextChoices):
    CASES_READ = "cases:read", _("read cases (within the client's access)")
    REGISTER_READ = "register:read", _("read the Maatwerkregister")
    REQUESTS_READ = "requests:read", _("read requests and their journey")
    REQUESTS_WRITE = "requests:write", _("add journey events to requests")
    SIGNALS_WRITE = "signals:write", _("send early signals")
    SIGNALS_READ = "signals:read", _("read the feedback on one's own signals")
    REPORTS_READ = "reports:read", _("read aggregated report figures")


class SystemClient(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        "register.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="system_clients",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="system_client",
        help_text=_("The account the client acts as: its roles and teams decide what it sees."),
    )
    contact_email = models.EmailField(_("technical contact"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("system client")
        verbose_name_plural = _("system clients")
        ordering = ["name"]

    def __str__(self):
        return self.name


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            client__active=True,
            client__user__is_active=True,
        )


class ApiToken(models.Model):
    client = models.ForeignKey(
        SystemClient,
        verbose_name=_("system client"),
        on_delete=models.CASCADE,
        related_name="tokens",
    )
    name = models.CharField(_("description"), max_length=200, blank=True)
    # The public part of the token (indexed lookup) and the hash of the whole token.
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.client} – {self.key_id}"

    @classmethod
    def issue(
        cls, *, client, scopes, expires_at, created_by=None, name=""
    ) -> tuple["ApiToken", str]:
        """A new token and its secret text, which is shown once and never stored."""
        key_id = secrets.token_hex(6)
        secret = f"{TOKEN_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(
            client=client,
            key_id=key_id,
            digest=_digest(secret),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
            created_by=created_by,
            name=name,
        )
        return token, secret

    @staticmethod
    def key_id_of(secret: str) -> str | None:
        parts = secret.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1]:
            return None
        return parts[1][:16]

    def matches(self, secret: str) -> bool:
        return secrets.compare_digest(self.digest, _digest(secret))

    @property
    def usable(self) -> bool:
        return (
            self.revoked_at is None
            and self.expires_at > timezone.now()
            and self.client.active
            and self.client.user.is_active
        )
