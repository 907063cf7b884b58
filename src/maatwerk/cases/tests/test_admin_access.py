"""Functional management is not case access (issue 10): the ``admin`` role manages
users, teams, the register and the reference lists, and sees no case content — not on
any URL of cases, journeys, budgets or meetings (walked from the URL configuration
with the ids of the demo data), not in any export, not in functional management
(/beheer/). A case only through break-the-glass (test_emergency_access.py)."""

import itertools
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.db.models import CharField, TextField
from django.urls import URLResolver, get_resolver, reverse
from django.utils.html import escape

from maatwerk.accounts.models import User
from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.budgets.models import Budget, Spend
from maatwerk.cases.models import (
    Agreement,
    Case,
    EmergencyAccess,
    Goal,
    HouseholdIdentity,
    Perspective,
    Plan,
    PlanAction,
    PlanDocument,
    PlanVersion,
)
from maatwerk.cases.selectors import visible_cases
from maatwerk.cases.services import emergency_access_open
from maatwerk.demo.load import create_demo_data
from maatwerk.journeys.models import Attachment, CounterArgument, JourneyEvent, Request
from maatwerk.meetings.models import AgendaItem, Meeting, Minutes

pytestmark = pytest.mark.django_db

CASE_APPS = ("cases", "journeys", "budgets", "meetings")
CONTENT_MODELS = [
    Case,
    Perspective,
    Plan,
    PlanVersion,
    Goal,
    PlanAction,
    Agreement,
    HouseholdIdentity,
    PlanDocument,
    Request,
    JourneyEvent,
    Spend,
    Meeting,
    AgendaItem,
    Minutes,
    EmergencyAccess,
]
# Examples in help texts ("For example HH-4821."), not case data.
EXAMPLES = {"HH-4821", "MW-2026-00012"}


@pytest.fixture
def demo():
    create_demo_data()
    coordinator = User.objects.get(username="coordinator")
    # One emergency access (of someone else), so its review URL has a real id too.
    emergency_access_open(
        request=None,
        user=coordinator,
        query=Case.objects.first().reference,
        reason="De regisseur is ziek en de zaak dient vandaag bij de rechter.",
    )
    return User.objects.get(username="admin")


def case_content() -> set[str]:
    """Every piece of case content in the database, as it would appear in a page."""
    texts: set[str] = set()
    for case in Case.objects.select_related("household"):
        texts |= {case.household.pseudonym, case.reference, case.needed}
    for model, fields in (
        (Perspective, ["text"]),
        (Goal, ["text"]),
        (PlanAction, ["what"]),
        (Plan, ["title"]),
        (PlanVersion, ["intended_effect", "impact", "legality", "safety"]),
        (Agreement, ["words"]),
        (Request, ["subject", "plan_excerpt", "extra_shared"]),
        (JourneyEvent, ["text"]),
        (Spend, ["description"]),
        (Minutes, ["text"]),
        (EmergencyAccess, ["reason"]),
    ):
        for row in model.objects.values_list(*fields):
            texts |= set(row)
    for identity in HouseholdIdentity.objects.all():  # decrypted by the fields
        texts |= {identity.names, identity.street, identity.bsn}
    # Long texts appear with line breaks as <br>: look for their first line.
    markers = {escape(text.splitlines()[0])[:60] for text in texts if text and len(text) >= 6}
    # A condition may be worded as a reference cost ("Beschermingsbewind"): what the
    # register and the reference lists hold is no case content.
    reference = reference_texts()
    return {m for m in markers if m not in EXAMPLES and not any(m in r for r in reference)}


def reference_texts() -> list[str]:
    """Every text of the register and the reference lists (what functional management
    is there to edit)."""
    texts = []
    for model in [*apps.get_app_config("register").get_models(), CounterArgument]:
        fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, CharField | TextField)
        ]
        for row in model.objects.values_list(*fields):
            texts += [escape(value) for value in row if value]
    return texts


def leaks(content: str, markers: set[str]) -> list[str]:
    return sorted(marker for marker in markers if marker in content)


def ids_for(namespace: str, name: str, argument: str) -> list:
    """Real values for one URL argument, from the demo data."""
    if argument == "fmt":
        return ["csv", "xlsx"]
    if argument == "case_pk":
        return list(Case.objects.values_list("pk", flat=True))
    if argument == "plan_id":
        return []  # with its case, in case_urls
    table = {
        ("cases", "emergency_review"): EmergencyAccess,
        ("journeys", "request_detail"): Request,
        ("journeys", "decide"): Request,
        ("journeys", "request_forward"): Request,
        ("journeys", "letter"): Request,
        ("journeys", "letter_pdf"): Request,
        ("journeys", "letter_text"): Request,
        ("budgets", "budget_edit"): Budget,
        ("meetings", "meeting_detail"): Meeting,
    }
    if (namespace, name) == ("journeys", "attachment"):
        # The demo has no attachments: an id that does not exist is refused the same way.
        return list(Attachment.objects.values_list("pk", flat=True)) or [1]
    if (namespace, name) in table:
        return list(table[(namespace, name)].objects.values_list("pk", flat=True))
    if namespace == "budgets":
        return list(Spend.objects.values_list("pk", flat=True))
    if namespace == "cases":
        return list(Case.objects.values_list("pk", flat=True))
    raise AssertionError(f"no ids for {namespace}:{name} {argument}")


def every_url() -> list[str]:
    """Every URL of the case apps, filled with real ids: walked from the URL
    configuration, so a new page is walked too."""
    urls = []
    for resolver in get_resolver().url_patterns:
        if not isinstance(resolver, URLResolver) or resolver.namespace not in CASE_APPS:
            continue
        for pattern in resolver.url_patterns:
            arguments = sorted(pattern.pattern.converters)
            name = f"{resolver.namespace}:{pattern.name}"
            if "doc_id" in arguments:
                # A plan's documents (the demo has none: an id that does not exist is
                # refused the same way), for the team and for a request's decision maker.
                documents = list(PlanDocument.objects.values_list("pk", flat=True)) or [1]
                for doc_id in documents:
                    if "plan_id" in arguments:
                        for plan in Plan.objects.all():
                            kwargs = {"pk": plan.case_id, "plan_id": plan.pk, "doc_id": doc_id}
                            urls.append(reverse(name, kwargs=kwargs))
                    else:
                        for pk in Request.objects.values_list("pk", flat=True):
                            urls.append(reverse(name, kwargs={"pk": pk, "doc_id": doc_id}))
                continue
            if "action_id" in arguments:
                for action in PlanAction.objects.select_related("version__plan"):
                    plan = action.version.plan
                    kwargs = {"pk": plan.case_id, "plan_id": plan.pk, "action_id": action.pk}
                    urls.append(reverse(name, kwargs=kwargs))
                continue
            if "plan_id" in arguments:
                for plan in Plan.objects.all():
                    urls.append(reverse(name, kwargs={"pk": plan.case_id, "plan_id": plan.pk}))
                continue
            values = [ids_for(resolver.namespace, pattern.name, a) for a in arguments]
            assert all(values), (name, arguments)
            for combination in itertools.product(*values):
                urls.append(reverse(name, kwargs=dict(zip(arguments, combination, strict=True))))
    return urls


def test_the_admin_role_reaches_no_case(demo):
    assert list(visible_cases(demo)) == []
    assert not demo.has_perm("cases.maintain_case")
    assert not demo.has_perm("cases.change_case")


def test_no_case_content_on_any_url_or_export_for_the_admin(client, login, demo):
    markers = case_content()
    assert len(markers) > 50  # the demo's cases, plans, requests, spends and minutes
    urls = every_url()
    for needed in ("/cases/", "/journeys/queue/", "/budget/export.xlsx", "/meetings/"):
        assert needed in urls, needed
    assert any(re.fullmatch(r"/cases/\d+/plans/\d+/pdf/", url) for url in urls)
    before = {model.__name__: model.objects.count() for model in CONTENT_MODELS}
    login(demo, verified=True)
    reads = AccessLogEntry.objects.filter(actor=demo, action=Action.READ).count()
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (200, 302, 403, 404, 405), (method, url)
            if response.status_code == 200:
                content = response.content.decode(errors="ignore")
                assert not leaks(content, markers), (method, url, leaks(content, markers))
            if response.status_code == 302:
                assert "/cases/" not in response["Location"], (method, url)
    assert {model.__name__: model.objects.count() for model in CONTENT_MODELS} == before
    # No page read any case: not one read of case data in the access log.
    assert AccessLogEntry.objects.filter(actor=demo, action=Action.READ).count() == reads


def test_functional_management_shows_no_case_content(client, login, demo):
    registered = {model._meta.label for model in admin.site._registry}
    case_models = {label for label in registered if label.split(".")[0] in (*CASE_APPS, "audit")}
    # Counter-arguments are a reference list (no case data); nothing else of a case.
    assert case_models == {"journeys.CounterArgument"}
    markers = case_content()
    login(demo, verified=True)
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages = [reverse("admin:{}_{}_changelist".format(*info))]
        pages += [
            reverse("admin:{}_{}_change".format(*info), args=[pk])
            for pk in model.objects.values_list("pk", flat=True)[:5]
        ]
        for page in pages:
            response = client.get(page)
            assert response.status_code in (200, 302, 403), page
            content = response.content.decode()
            assert not leaks(content, markers), (page, leaks(content, markers))
    index = client.get(reverse("admin:index")).content.decode()
    for app_label in ("cases", "budgets", "meetings"):
        assert f"/beheer/{app_label}/" not in index
