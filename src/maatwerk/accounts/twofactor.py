"""Who needs a second factor, and the TOTP helpers."""

from django.conf import settings
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice


def two_factor_required(user) -> bool:
    """True when this user must log in with a second factor."""
    if not user.is_authenticated:
        return False
    if settings.TWO_FACTOR_REQUIRED_FOR_ALL or user.is_superuser:
        return True
    return user.groups.filter(role__requires_two_factor=True).exists()


def two_factor_needed(user) -> bool:
    """True when the login is not complete without a second factor."""
    return two_factor_required(user) or user_has_device(user, confirmed=True)


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed device of a user who is setting up two-factor login."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device
