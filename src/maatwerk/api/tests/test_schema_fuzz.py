"""The API fuzzed against its own OpenAPI schema (issue 15): every operation of
/api/v1/schema/, with the parameters the schema names filled with values of their
type mixed with hostile ones (as tests/test_fuzz.py does for the pages), and with
random extra parameters. The answer is never a 5xx, and an error is always
``application/problem+json``. A new endpoint is fuzzed without being listed: the
operations come from the schema."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from maatwerk.api.models import ApiToken, Scope, SystemClient
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = ["\x00", "²", "-1", "0", "99999999999999999999", "9223372036854775808", "1e400",
           "NaN", "\u202eevil", "x" * 5000, "0001-01-01", "9999-12-31", "2026-02-30", "",
           "'; DROP TABLE x; --", "../../etc/passwd", "%00", "null", "[]", "{}"]  # fmt: skip
hostile = st.one_of(
    st.sampled_from(HOSTILE), st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
)


def _values(schema: dict):
    kind = schema.get("type")
    options = []
    if "enum" in schema:
        options.append(st.sampled_from([v for v in schema["enum"] if v is not None] or [""]))
    if kind == "integer":
        options.append(st.integers(-(2**70), 2**70).map(str))
    elif kind == "string" and schema.get("format") == "date":
        options.append(st.dates().map(str))
    else:
        options.append(st.text(max_size=20))
    return st.one_of(*options, hostile)


@st.composite
def calls(draw, operations):
    path, method, parameters = draw(st.sampled_from(operations))
    query, url = {}, path
    for parameter in parameters:
        value = draw(_values(parameter.get("schema", {})))
        if parameter["in"] == "path":
            url = url.replace("{" + parameter["name"] + "}", value.replace("/", "%2F") or "0")
        elif parameter["in"] == "query" and draw(st.booleans()):
            query[parameter["name"]] = value
    if draw(st.booleans()):
        query[draw(st.sampled_from(["cursor", "page_size", "format", "x", "lang"]))] = draw(hostile)
    return method, url, query


@pytest.fixture
def api(teams, professional):
    make_case(teams[0], professional)
    OrganisationFactory(name="UWV")
    user = UserFactory(roles=["professional"], teams=[teams[0]])
    client = SystemClient.objects.create(name="Fuzz", organisation=teams[0].organisation, user=user)
    _token, secret = ApiToken.issue(
        client=client, scopes=list(Scope.values), expires_at=timezone.now() + timedelta(days=1)
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return api


def test_no_call_the_schema_describes_gets_a_5xx(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    operations = [
        (re.sub(r"\{(\w+)\}", r"{\1}", path), method.upper(), spec.get("parameters", []))
        for path, item in schema["paths"].items()
        for method, spec in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert operations

    @given(calls(operations))
    @hsettings(
        max_examples=60,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def fuzz(call):
        method, url, query = call
        response = getattr(api, method.lower())(
            url, query if method == "GET" else None, format=None if method == "GET" else "json"
        )
        assert response.status_code < 500, (method, url, query)
        if response.status_code >= 400:
            assert response["Content-Type"] == "application/problem+json", (method, url, query)

    fuzz()
