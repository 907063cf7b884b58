"""Who needs a second factor, and the TOTP helpers."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q
from django_otp import device_classes
from django_otp.plugins.otp_totp.models import TOTPDevice

# The answer of two_factor_needed, kept on the user object: the middleware and the
# page's context processors all ask it, and request.user is one object per request.
_NEEDED = "_maatwerk_two_factor_needed"


def two_factor_required(user) -> bool:
    """True when this user must log in with a second factor."""
    if not user.is_authenticated:
        return False
    if settings.TWO_FACTOR_REQUIRED_FOR_ALL or user.is_superuser:
        return True
    return user.groups.filter(role__requires_two_factor=True).exists()


def two_factor_needed(user) -> bool:
    """True when the login is not complete without a second factor: the user's role
    requires one, or the user has a confirmed device (of any kind django-otp knows).
    One query, asked once per request (the answer is kept on the user object;
    ``forget_two_factor`` drops it)."""
    if not user.is_authenticated:
        return False
    if settings.TWO_FACTOR_REQUIRED_FOR_ALL or user.is_superuser:
        return True
    if not hasattr(user, _NEEDED):
        condition = Q(
            Exists(Group.objects.filter(user=OuterRef("pk"), role__requires_two_factor=True))
        )
        for model in device_classes():
            condition |= Q(Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True)))
        needed = get_user_model().objects.filter(condition, pk=user.pk).exists()
        setattr(user, _NEEDED, needed)
    return getattr(user, _NEEDED)


def forget_two_factor(user) -> None:
    """Drop the kept answer of ``two_factor_needed`` (after a device was confirmed)."""
    if hasattr(user, _NEEDED):
        delattr(user, _NEEDED)


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed device of a user who is setting up two-factor login."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device
