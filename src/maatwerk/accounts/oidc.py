"""Optional login through the organisation's OpenID Connect identity provider.

Enabled with OIDC_ENABLED and the OIDC_* variables (docs/configuration.md). A person
who logs in for the first time gets an account without any role: an administrator
assigns roles (and so access) in functional management.
"""

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from maatwerk.register.models import Organisation


class MaatwerkOIDCBackend(OIDCAuthenticationBackend):
    def _username(self, claims) -> str:
        return (claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("sub") or "")[:150]

    def filter_users_by_claims(self, claims):
        username = self._username(claims)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username__iexact=username)

    def verify_claims(self, claims):
        return bool(self._username(claims)) and super().verify_claims(claims)

    def create_user(self, claims):
        organisation = None
        if settings.OIDC_DEFAULT_ORGANISATION:
            organisation = Organisation.objects.filter(
                name=settings.OIDC_DEFAULT_ORGANISATION
            ).first()
        user = self.UserModel.objects.create_user(
            username=self._username(claims),
            email=claims.get("email", ""),
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
            organisation=organisation,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return user

    def update_user(self, user, claims):
        user.email = claims.get("email", user.email)
        user.first_name = claims.get("given_name", user.first_name)[:150]
        user.last_name = claims.get("family_name", user.last_name)[:150]
        user.save(update_fields=["email", "first_name", "last_name"])
        return user
