"""Access-log rows for logins, and ending all sessions of a deactivated account."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from maatwerk.audit.models import Action, ProcessingActivity, Result
from maatwerk.audit.services import log_access

from .middleware import SESSION_LAST_SEEN, SESSION_STARTED
from .models import User, UserSession


@receiver(user_logged_in, dispatch_uid="maatwerk_login")
def on_login(sender, request, user, **kwargs):
    if request is not None:
        # The absolute session timeout counts from here, the idle one too (see
        # middleware): so the first page after the login has nothing to write.
        now = int(time.time())
        request.session[SESSION_STARTED] = now
        request.session[SESSION_LAST_SEEN] = now
    with transaction.atomic():
        if request is not None and request.session.session_key:
            UserSession.objects.get_or_create(
                session_key=request.session.session_key, defaults={"user": user}
            )
        log_access(
            action=Action.LOGIN,
            processing_activity=ProcessingActivity.AUTHENTICATION,
            request=request,
            actor=user,
            detail=getattr(user, "backend", "") or "",
        )


@receiver(user_logged_out, dispatch_uid="maatwerk_logout")
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    with transaction.atomic():
        if request is not None and request.session.session_key:
            UserSession.objects.filter(session_key=request.session.session_key).delete()
        log_access(
            action=Action.LOGOUT,
            processing_activity=ProcessingActivity.AUTHENTICATION,
            request=request,
            actor=user,
        )


@receiver(user_login_failed, dispatch_uid="maatwerk_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    log_access(
        action=Action.LOGIN_FAILED,
        processing_activity=ProcessingActivity.AUTHENTICATION,
        request=request,
        actor_username=str(credentials.get("username", ""))[:150],
        result=Result.FAILED,
    )


@receiver(user_locked_out, dispatch_uid="maatwerk_locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    log_access(
        action=Action.LOCKED_OUT,
        processing_activity=ProcessingActivity.AUTHENTICATION,
        request=request,
        actor_username=str(username or "")[:150],
        result=Result.DENIED,
    )


def end_all_sessions(user) -> int:
    """Delete every session of this user; returns how many were ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@receiver(post_save, sender=User, dispatch_uid="maatwerk_deactivated")
def on_user_saved(sender, instance, created, **kwargs):
    if not created and not instance.is_active:
        end_all_sessions(instance)
