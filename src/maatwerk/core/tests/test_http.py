from django.test import RequestFactory

from maatwerk.core.http import client_address


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_socket_address_without_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    forged = request(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(forged) == "192.0.2.1"


def test_entry_set_by_our_own_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    behind_proxy = request(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_address(behind_proxy) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(behind_proxy) == "1.2.3.4"


def test_missing_or_garbage_header_falls_back_to_the_socket(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request(REMOTE_ADDR="10.0.0.5")) == "10.0.0.5"
    garbage = request(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="x, not-an-ip")
    assert client_address(garbage) is None
