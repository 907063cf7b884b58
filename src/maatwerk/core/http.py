"""The client's address, for the lockout and the access log.

Behind N reverse proxies of our own, each appends the address it received the request
from to X-Forwarded-For; the client is the entry N places from the right. Entries
further left are supplied by the client and cannot be trusted.
"""

from ipaddress import ip_address

from django.conf import settings


def _valid(value: str) -> str | None:
    try:
        return str(ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
        ]
        if len(forwarded) >= count:
            return _valid(forwarded[-count])
    return _valid(request.META.get("REMOTE_ADDR", ""))
