from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class LanguageMiddleware(LocaleMiddleware):
    """Dutch first: the language is Dutch unless the user chose another one with the
    language switch (a cookie). The browser's Accept-Language is deliberately ignored,
    so a professional on an English-language laptop still gets the Dutch UI."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (Django's never-cache headers) on every response to
    a logged-in user: case pages, identities, PDFs, receipts and exports must stay out
    of the browser's cache and out of any proxy's, on a shared computer too. It also
    covers the response that logs a user in or out (the user was or is authenticated).

    Views for anonymous visitors mark themselves with Django's ``never_cache`` (the
    login page does). Static files never get here: WhiteNoise answers them earlier in
    MIDDLEWARE, with its own long cache lifetime.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was_authenticated = request.user.is_authenticated
        response = self.get_response(request)
        if was_authenticated or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


# Browser features the application never uses, switched off for the page and for
# anything it might embed. Only feature names that Chromium and Firefox know: an
# unknown one makes the browser log an error on every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """The ``Permissions-Policy`` header on every response that passes the middleware
    (a single fixed header: a dependency for it would be more code than this)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# Form fields and multipart framing around the file itself.
UPLOAD_OVERHEAD_BYTES = 1024 * 1024


class UploadLimitMiddleware:
    """Refuses a request whose announced body is larger than MAX_UPLOAD_BYTES (plus
    room for the other fields) with 413, before anything reads the body: the upload
    stops there, instead of after all of it has arrived. The page is plain (no session
    or user yet at this point of the chain) and in the page language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD_BYTES:
            translation.activate(
                request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
            )
            response = render(
                request,
                "web/upload_too_large.html",
                {"limit_mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
                status=413,
            )
            response["Connection"] = "close"  # the rest of the body is not read
            add_never_cache_headers(response)
            return response
        return self.get_response(request)
