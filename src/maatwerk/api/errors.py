"""Errors as ``application/problem+json`` (RFC 9457), with the field errors of a
refused body under ``errors`` (docs/api.md, "Errors")."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM = "application/problem+json"
TYPE_BASE = "https://maatwerk.invalid/problems/"  # a stable identifier, not fetched

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    415: "Unsupported media type",
    428: "Precondition required",
    429: "Too many requests",
}


def _flatten(detail, path=""):
    """DRF's nested error detail as a flat list of {field, code, message}."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _flatten(value, f"{path}.{key}" if path else str(key))
    elif isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail) for item in detail):
            for item in detail:
                yield {"field": path or None, "code": item.code, "message": str(item)}
        else:
            for index, item in enumerate(detail):
                yield from _flatten(item, f"{path}[{index}]")
    else:
        yield {
            "field": path or None,
            "code": getattr(detail, "code", "invalid"),
            "message": str(detail),
        }


def problem(
    status_code: int, *, code: str, detail: str, errors=None, instance: str = ""
) -> Response:
    body = {
        "type": TYPE_BASE + code,
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, content_type=PROBLEM)


def problem_exception_handler(exc, context):
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's handler500 (logged), never the details
    if isinstance(exc, exceptions.ValidationError):
        errors = list(_flatten(exc.detail))
        result = problem(
            status.HTTP_400_BAD_REQUEST,
            code="invalid",
            detail=_("The request has errors; see errors."),
            errors=errors,
            instance=instance,
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(exc, "default_code", "error")
        if isinstance(detail, dict | list):
            errors = list(_flatten(detail))
            detail_text = errors[0]["message"] if errors else str(code)
        else:
            errors, detail_text = None, str(detail)
        result = problem(
            response.status_code,
            code=str(code),
            detail=detail_text,
            errors=errors,
            instance=instance,
        )
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            result[header] = response[header]
    return result
