"""The access log: who read or changed what, when, from where and why (NEN 7513).

Rows are only ever inserted (the database refuses UPDATE and DELETE, see
``triggers.py``) and each row stores the hash of the row before it, so a row changed
or removed behind the application's back breaks the chain (``maatwerk audit-verify``).
Write it only through :func:`maatwerk.audit.services.log_access`.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "read", _("read")
    SEARCH = "search", _("search")
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    EXPORT = "export", _("export")
    SHARE = "share", _("share")
    LOGIN = "login", _("login")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOGOUT = "logout", _("logout")
    LOCKED_OUT = "locked_out", _("locked out")
    TWO_FACTOR = "two_factor", _("two-factor check")
    PERMISSION_DENIED = "permission_denied", _("permission denied")
    EMERGENCY_ACCESS = "emergency_access", _("emergency access (break-the-glass)")


class Result(models.TextChoices):
    SUCCESS = "success", _("success")
    DENIED = "denied", _("denied")
    FAILED = "failed", _("failed")


class ProcessingActivity(models.TextChoices):
    """Processing activities (verwerkingsactiviteiten) from the processing register."""

    AUTHENTICATION = "authentication", _("authentication and access control")
    REGISTER_MANAGEMENT = "register_management", _("maintaining the Maatwerkregister")
    ACCOUNT_MANAGEMENT = "account_management", _("managing users and teams")
    AUDIT_SUPERVISION = "audit_supervision", _("supervising access to personal data")
    CASE_WORK = "case_work", _("maatwerk case work")
    BUDGET = "budget", _("maatwerk budget administration")
    EARLY_SIGNALS = "early_signals", _("early signals of payment arrears (Wgs)")


GENESIS_HASH = "0" * 64


class AccessLogEntry(models.Model):
    occurred_at = models.DateTimeField(_("time (UTC)"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    on_behalf_of = models.CharField(_("on behalf of"), max_length=200, blank=True)
    roles = models.CharField(_("roles"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    household = models.CharField(_("household"), max_length=40, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    origin = models.GenericIPAddressField(_("origin address"), null=True, blank=True)
    processing_activity = models.CharField(
        _("processing activity"), max_length=64, choices=ProcessingActivity.choices
    )
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access-log entries")
        ordering = ["-id"]
        default_permissions = ("view",)
        # Every index is paid for on every append (every page view), so only those a
        # query needs (docs/adr/0007-access-log-append.md). The privacy officer's search
        # (selectors.log_search) matches user and household case-insensitively
        # (UPPER(...) = UPPER(...)): expression indexes, not plain ones (and no
        # varchar_pattern_ops "_like" twins: nothing searches the log with LIKE).
        indexes = [
            models.Index(Upper("actor_username"), name="audit_log_actor_upper"),
            models.Index(Upper("household"), name="audit_log_household_upper"),
            models.Index(fields=["action"], name="audit_log_action"),
        ]
        constraints = [
            # One successor per row: the chain cannot fork, even if an append ever
            # skipped the chain lock (it fails instead). Replaces UNIQUE(hash).
            models.UniqueConstraint(fields=["prev_hash"], name="audit_log_one_successor"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("access-log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("access-log entries cannot be deleted")

    HASHED_FIELDS = (
        "occurred_at",
        "actor_id",
        "actor_username",
        "on_behalf_of",
        "roles",
        "organisation",
        "household",
        "object_type",
        "object_id",
        "action",
        "result",
        "origin",
        "processing_activity",
        "detail",
        "prev_hash",
    )

    def _payload(self) -> dict:
        payload = {}
        for name in self.HASHED_FIELDS:
            value = getattr(self, name)
            if name == "occurred_at":
                value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            payload[name] = value
        return payload

    def compute_hash(self) -> str:
        canonical = json.dumps(self._payload(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def hash_parts(self) -> tuple[str, str]:
        """The canonical text ``compute_hash`` hashes, split around the value of
        ``prev_hash``: ``sha256(before + prev_hash + after)`` is the row's hash. So the
        database can compute the hash in the statement that reads the previous one
        (``services.log_access`` on PostgreSQL). The text is ASCII (``json.dumps``
        escapes everything else), so its UTF-8 bytes are the same in SQL."""
        payload = self._payload()
        del payload["prev_hash"]

        def items(keys):
            return [
                json.dumps({key: payload[key]}, separators=(",", ":"), default=str)[1:-1]
                for key in keys
            ]

        keys = sorted([*payload, "prev_hash"])
        at = keys.index("prev_hash")
        before, after = items(keys[:at]), items(keys[at + 1 :])
        head = "{" + "".join(f"{item}," for item in before) + '"prev_hash":"'
        tail = '"' + "".join(f",{item}" for item in after) + "}"
        return head, tail


class Checkpoint(models.Model):
    """The head of the access log at one moment, signed with a key held outside the
    database (``MAATWERK_AUDIT_CHECKPOINT_KEY``): how many rows there were, the id of
    the newest and its hash. Removing the newest rows leaves a valid but shorter chain;
    against a checkpoint it shows (``maatwerk audit-verify``). Written by the scheduler
    (``audit.checkpoints.write_checkpoint``); append-only like the log itself."""

    created_at = models.DateTimeField(_("time (UTC)"))
    entry_count = models.PositiveBigIntegerField(_("number of entries"))
    last_id = models.BigIntegerField(_("id of the newest entry"))
    head_hash = models.CharField(_("hash of the newest entry"), max_length=64)
    signature = models.CharField(_("signature (HMAC-SHA256)"), max_length=64)

    class Meta:
        verbose_name = _("access-log checkpoint")
        verbose_name_plural = _("access-log checkpoints")
        ordering = ["-id"]
        default_permissions = ("view",)

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.entry_count} entries up to {self.last_id}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("access-log checkpoints cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("access-log checkpoints cannot be deleted")

    def as_record(self) -> dict:
        """The signed fields, as the file sink writes them and the signature covers them."""
        return {
            "created_at": self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "entry_count": self.entry_count,
            "last_id": self.last_id,
            "head_hash": self.head_hash,
        }
