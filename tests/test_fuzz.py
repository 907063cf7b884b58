"""No page answers malformed input with a 5xx (issue 10).

Every route of the URL configuration is fuzzed, or listed in EXEMPT with the reason;
a new route that is neither makes ``test_every_route_is_fuzzed_or_exempt`` fail. For
each route the test logs in as the roles of ROUTES (the demo's users), reads the page
and every other page it fuzzes, and takes from their HTML what a browser could send:
every <form> (its method, its action, each field's name and its options) and the query
parameters of every link to the route. Hypothesis then sends those fields and
parameters with valid values mixed with hostile ones (NUL, "²", huge and negative
numbers, bidirectional and zero-width characters, very long text, the ends of the
calendar, impossible dates) and asserts that the answer is never a 5xx.

Deterministic (``derandomize``, no example database), and small: ``MAX_EXAMPLES``
requests per route and role after the sweep (SWEEP), so it runs within ``make test``
in a few minutes.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from maatwerk.accounts.models import User
from maatwerk.budgets.models import Budget, Spend
from maatwerk.cases.documents import plan_document_add
from maatwerk.cases.models import Case, EmergencyAccess, Plan, PlanAction
from maatwerk.cases.selectors import visible_cases, workable_cases
from maatwerk.cases.services import emergency_access_open
from maatwerk.demo.load import create_demo_data
from maatwerk.early_signals.models import Upload
from maatwerk.early_signals.selectors import visible_bundles
from maatwerk.journeys.models import AttachmentKind, Request
from maatwerk.journeys.selectors import visible_requests
from maatwerk.journeys.services import attachment_add
from maatwerk.learning.models import Precedent
from maatwerk.learning.services import learning_point_create
from maatwerk.meetings.models import Meeting
from maatwerk.notices.models import Notice
from maatwerk.reports.models import Job

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 6
SLOW_ROUTES = {"cases:plan_pdf": 3, "audit:log_export": 4, "budgets:export": 4}

hsettings.register_profile(
    "fuzz",
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
FUZZ = hsettings.get_profile("fuzz")

PROFESSIONAL = ("professional",)
# The routes that are not fuzzed, and why.
OIDC = "OpenID Connect (mozilla-django-oidc): off in the tests, a 404 unless enabled"
EXEMPT = {
    "admin": "Django's admin (/beheer/): its forms get the input rules through "
    "audit.admin_mixins.InputRulesAdminMixin, checked in core/tests/test_forms.py",
    "api": "the REST API: fuzzed against its own OpenAPI schema in "
    "src/maatwerk/api/tests/test_schema_fuzz.py",
    "oidc_authentication_callback": OIDC,
    "oidc_authentication_init": OIDC,
}

HOSTILE = [
    "\x00",
    "a\x00b",
    "²",
    "١٢",
    "99999999999999999999",
    "9223372036854775808",
    "-1",
    "0",
    "1e400",
    "NaN",
    "1_000",
    " 1 ",
    "\u202eevil",
    "\u2066x\u2069",
    "zero\u200bwidth\ufeff",
    "x" * 10_001,
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "31-12-9999",
    "25:61",
    "<script>alert(1)</script>",
    "'; DROP TABLE x; --",
    "../../etc/passwd",
    "",
]
hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
)


@dataclass
class FormSpec:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> options
    files: set[str] = field(default_factory=set)


class PageParser(HTMLParser):
    """The forms of a page and the query parameters of its links."""

    def __init__(self, url):
        super().__init__()
        self.url = url
        self.forms: list[FormSpec] = []
        self.links: list[str] = []
        self._form = None
        self._select = None

    def _add(self, name, value):
        if self._form is not None and name:
            options = self._form.fields.setdefault(name, [])
            if value is not None and value not in options:
                options.append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            action = attrs.get("action") or self.url
            self._form = FormSpec((attrs.get("method") or "get").lower(), action)
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None:
            kind = attrs.get("type", "text")
            if kind == "file":
                self._form.files.add(attrs.get("name"))
            else:
                self._add(attrs.get("name"), attrs.get("value", ""))
        elif tag == "textarea":
            self._add(attrs.get("name"), "")
        elif tag == "select":
            self._select = attrs.get("name")
            self._add(self._select, None)
        elif tag == "option" and self._select:
            self._add(self._select, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


# --- The routes ------------------------------------------------------------------------


def _world():
    """The demo, plus an emergency access to review: the ids the routes need."""
    create_demo_data()
    users = {u.username: u for u in User.objects.all()}
    professional = users["professional"]
    case = workable_cases(professional).filter(plans__isnull=False).order_by("pk").first()
    emergency_access_open(
        request=None,
        user=users["coordinator"],
        query=Case.objects.exclude(pk__in=visible_cases(users["coordinator"]))
        .order_by("pk")
        .first()
        .household.pseudonym,
        reason="De regisseur is ziek en de zaak dient vandaag bij de rechter.",
    )
    inbox = visible_requests(users["decision_maker"]).order_by("pk").first()
    req = Request.objects.filter(case__team=case.team).order_by("pk").first()
    attachment = attachment_add(
        request=None,
        user=professional,
        req=req,
        upload=SimpleUploadedFile("brief.pdf", b"%PDF-1.4 fuzz", content_type="application/pdf"),
        kind=AttachmentKind.values[0],
    )
    point = learning_point_create(
        request=None, user=professional, cases=[case], order=1, text="Sneller beslissen"
    )
    precedent = Precedent.objects.create(
        reference="PR-FUZZ-1",
        title="Voorbeeld",
        situation="Een schuld werd bevroren.",
        outcome="solved",
        drafted_by=users["coordinator"],
    )
    plan = Plan.objects.filter(case=case).order_by("pk").first()
    document = plan_document_add(
        request=None,
        user=professional,
        plan=plan,
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 fuzz", content_type="application/pdf"),
        kind=AttachmentKind.values[0],
    )
    inbox_case_plan = Plan.objects.filter(case=inbox.case).order_by("pk").first()
    shared = (
        plan_document_add(
            request=None,
            user=inbox.case.owner,
            plan=inbox_case_plan,
            upload=SimpleUploadedFile("d.pdf", b"%PDF-1.4 fuzz", content_type="application/pdf"),
            kind=AttachmentKind.values[0],
            share=True,
            household_agreed=True,
            confirmed=True,
        )
        if inbox_case_plan is not None
        else document
    )
    notice = Notice.objects.filter(recipient=professional).order_by("pk").first()
    report_job = Job.objects.create(
        kind=Job.Kind.REPORT,
        created_by=users["analyst"],
        state=Job.State.DONE,
        parameters={
            "from": "2023-01-01",
            "to": "2023-12-31",
            "team": None,
            "min_cell": 5,
            "format": "page",
            "language": "nl",
        },
        result={
            "format": "maatwerk-report/1",
            "period": {"from": "2023-01-01", "to": "2023-12-31"},
            "min_cell": 5,
            "cases": 0,
            "suppressed": [],
            "previous": None,
        },
    )
    import_job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        created_by=users["coordinator"],
        team=users["coordinator"].teams.first(),
        state=Job.State.DONE,
        result={
            "lines": 1, "valid": 0, "imported": 0, "duplicates": [], "bad_lines": [1],
            "problem_count": 1, "refused": True, "teams": {},
            "problems": [{"line": 1, "path": "", "reason": "The line is not valid JSON.",
                          "message": "The line is not valid JSON.", "params": {}}],
        },
    )  # fmt: skip
    bundle = visible_bundles(professional).order_by("pk").first()
    upload = Upload.objects.create(
        creditor=bundle.signals.first().creditor,
        team=bundle.team,
        uploaded_by=users["coordinator"],
        file_name="signalen.csv",
        status=Upload.Status.REJECTED,
        problems=[{"row": 2, "column": "postcode", "message": "Vul een postcode in."}],
        problem_count=1,
    )
    action = PlanAction.objects.filter(version__plan__case=case).order_by("pk").first()
    return {
        "users": users,
        "case": case.pk,
        "plan": Plan.objects.filter(case=case).order_by("pk").first().pk,
        "request": Request.objects.filter(case__team=case.team).order_by("pk").first().pk,
        "inbox": inbox.pk,
        "spend": Spend.objects.filter(case__team=case.team).order_by("pk").first().pk,
        "budget": Budget.objects.filter(team=case.team).order_by("pk").first().pk,
        "meeting": Meeting.objects.filter(cases__in=workable_cases(professional))
        .order_by("pk")
        .first()
        .pk,
        "emergency": EmergencyAccess.objects.order_by("pk").first().pk,
        "slug": "uwv",
        "attachment": attachment.pk,
        "document": document.pk,
        "shared_document": shared.pk,
        "learning_point": point.pk,
        "precedent": precedent.pk,
        "report_job": report_job.pk,
        "notice": notice.pk if notice else 1,
        "signal_bundle": bundle.pk,
        "signal_upload": upload.pk,
        "signal_creditor": upload.creditor_id,
        "action": (action.version.plan_id, action.pk) if action else (1, 1),
        "import_job": import_job.pk,
    }


def _none(w):
    return {}


def _case(w):
    return {"pk": w["case"]}


def _spend(w):
    return {"pk": w["spend"]}


# name -> (the URL's arguments from the world, the roles that fuzz it; None: anonymous)
ROUTES = {
    "web:home": (_none, ("professional", "analyst", "privacy_officer", None)),
    "set_language": (_none, PROFESSIONAL),
    "accounts:login": (_none, (None,)),
    "accounts:logout": (_none, PROFESSIONAL),
    "accounts:two_factor": (_none, ("privacy_officer~",)),
    "accounts:two_factor_setup": (_none, ("fresh_privacy_officer~",)),
    "register:organisation_list": (_none, PROFESSIONAL),
    "register:organisation_detail": (lambda w: {"slug": w["slug"]}, PROFESSIONAL),
    "cases:case_list": (_none, ("professional", "coordinator")),
    "cases:case_create": (_none, PROFESSIONAL),
    "cases:emergency_access": (_none, ("coordinator",)),
    "cases:emergency_review": (lambda w: {"pk": w["emergency"]}, ("privacy_officer",)),
    "cases:case_detail": (_case, PROFESSIONAL),
    "cases:perspective_add": (_case, PROFESSIONAL),
    "cases:identity_edit": (_case, PROFESSIONAL),
    "cases:case_status": (_case, PROFESSIONAL),
    "cases:plan_create": (_case, PROFESSIONAL),
    "cases:plan_detail": (lambda w: {"pk": w["case"], "plan_id": w["plan"]}, PROFESSIONAL),
    "cases:plan_edit": (lambda w: {"pk": w["case"], "plan_id": w["plan"]}, PROFESSIONAL),
    "cases:plan_pdf": (lambda w: {"pk": w["case"], "plan_id": w["plan"]}, PROFESSIONAL),
    "cases:agreement_add": (lambda w: {"pk": w["case"], "plan_id": w["plan"]}, PROFESSIONAL),
    "journeys:request_create": (lambda w: {"case_pk": w["case"]}, PROFESSIONAL),
    "journeys:timeline": (lambda w: {"case_pk": w["case"]}, PROFESSIONAL),
    "journeys:request_detail": (lambda w: {"pk": w["request"]}, PROFESSIONAL),
    "journeys:queue": (_none, PROFESSIONAL),
    "journeys:inbox": (_none, ("decision_maker",)),
    "journeys:decide": (lambda w: {"pk": w["inbox"]}, ("decision_maker",)),
    "meetings:meeting_list": (_none, PROFESSIONAL),
    "meetings:meeting_create": (_none, PROFESSIONAL),
    "meetings:meeting_detail": (lambda w: {"pk": w["meeting"]}, PROFESSIONAL),
    "budgets:overview": (_none, ("budget_holder",)),
    "budgets:export": (lambda w: {"fmt": "csv"}, ("budget_holder",)),
    "budgets:approvals": (_none, ("budget_holder",)),
    "budgets:receivables": (_none, ("budget_holder",)),
    "budgets:budget_create": (_none, ("budget_holder",)),
    "budgets:budget_edit": (lambda w: {"pk": w["budget"]}, ("budget_holder",)),
    "budgets:spend_create": (lambda w: {"case_pk": w["case"]}, PROFESSIONAL),
    "budgets:spend_detail": (_spend, ("professional", "budget_holder")),
    "budgets:receipt": (_spend, PROFESSIONAL),
    "budgets:spend_approve": (_spend, ("budget_holder",)),
    "budgets:spend_refuse": (_spend, ("budget_holder",)),
    "budgets:spend_reverse": (_spend, ("budget_holder",)),
    "budgets:spend_settle": (_spend, ("budget_holder",)),
    "audit:log_search": (_none, ("privacy_officer",)),
    "reports:report": (_none, ("coordinator", "analyst")),
    "reports:job_start": (_none, ("analyst",)),
    "reports:job_detail": (lambda w: {"pk": w["report_job"]}, ("analyst", "coordinator")),
    "reports:job_file": (lambda w: {"pk": w["report_job"]}, ("analyst",)),
    "audit:log_export": (lambda w: {"fmt": "csv"}, ("privacy_officer",)),
    "web:health": (_none, (None,)),
    "cases:my_actions": (_none, PROFESSIONAL),
    "cases:action_done": (
        lambda w: {"pk": w["case"], "plan_id": w["action"][0], "action_id": w["action"][1]},
        PROFESSIONAL,
    ),
    "journeys:request_forward": (lambda w: {"pk": w["request"]}, PROFESSIONAL),
    "journeys:letter": (lambda w: {"pk": w["request"]}, PROFESSIONAL),
    "journeys:letter_pdf": (lambda w: {"pk": w["request"]}, PROFESSIONAL),
    "journeys:letter_text": (lambda w: {"pk": w["request"]}, PROFESSIONAL),
    "journeys:attachment": (lambda w: {"pk": w["attachment"]}, PROFESSIONAL),
    "cases:plan_documents": (lambda w: {"pk": w["case"], "plan_id": w["plan"]}, PROFESSIONAL),
    "cases:plan_document": (
        lambda w: {"pk": w["case"], "plan_id": w["plan"], "doc_id": w["document"]},
        PROFESSIONAL,
    ),
    "journeys:plan_document": (
        lambda w: {"pk": w["inbox"], "doc_id": w["shared_document"]},
        ("decision_maker",),
    ),
    "journeys:notifications_moved": (_none, PROFESSIONAL),
    "notices:list": (_none, PROFESSIONAL),
    "notices:preferences": (_none, PROFESSIONAL),
    "notices:read": (lambda w: {"pk": w["notice"]}, PROFESSIONAL),
    "notices:read_all": (_none, PROFESSIONAL),
    "learning:analysis": (lambda w: {"case_pk": w["case"]}, PROFESSIONAL),
    "learning:point_list": (_none, PROFESSIONAL),
    "learning:point_detail": (lambda w: {"pk": w["learning_point"]}, PROFESSIONAL),
    "learning:point_create": (_none, ("coordinator",)),
    "learning:patterns": (_none, ("coordinator", "analyst")),
    "learning:exceptions": (_none, ("coordinator",)),
    "learning:precedent_search": (_none, PROFESSIONAL),
    "learning:precedent_detail": (lambda w: {"pk": w["precedent"]}, ("coordinator",)),
    "learning:precedent_create": (lambda w: {"case_pk": w["case"]}, ("coordinator",)),
    "reports:exchange": (_none, ("coordinator",)),
    "reports:exchange_job": (lambda w: {"pk": w["import_job"]}, ("coordinator",)),
    "reports:exchange_export": (_none, ("coordinator",)),
    "learning:precedent_link": (lambda w: {"case_pk": w["case"]}, PROFESSIONAL),
    "early_signals:queue": (_none, ("professional", "coordinator", "budget_holder")),
    "early_signals:bundle_detail": (
        lambda w: {"pk": w["signal_bundle"]},
        ("professional", "coordinator"),
    ),
    "early_signals:upload": (_none, ("coordinator",)),
    "early_signals:upload_detail": (lambda w: {"pk": w["signal_upload"]}, ("coordinator",)),
    "early_signals:template": (lambda w: {"kind": "csv"}, ("coordinator",)),
    "early_signals:rules": (_none, ("coordinator", "professional")),
    "early_signals:feedback": (lambda w: {"pk": w["signal_creditor"]}, ("coordinator",)),
}


def url_names(resolver=None, namespace=""):
    """Every named route of the URL configuration, as "namespace:name"."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from url_names(pattern, f"{namespace}{inner}:" if inner else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_route_is_fuzzed_or_exempt():
    routes = set(url_names())
    missing = {name for name in routes if name not in ROUTES and name.split(":")[0] not in EXEMPT}
    assert not missing, f"fuzz these routes (ROUTES) or list them in EXEMPT: {sorted(missing)}"
    assert set(ROUTES) <= routes, f"no such routes: {sorted(set(ROUTES) - routes)}"


# --- The fuzz --------------------------------------------------------------------------


def _login(client, world, role):
    client.logout()
    if role is None:
        return
    username = role.rstrip("~").removeprefix("fresh_")
    user = world["users"][username]
    if role.startswith("fresh_"):  # a user who still has to set up the second factor
        user, _ = User.objects.get_or_create(username="fuzz_fresh_privacy_officer")
        user.groups.set(world["users"]["privacy_officer"].groups.all())
        TOTPDevice.objects.filter(user=user).delete()
    client.force_login(user)
    if not role.endswith("~"):  # "~": logged in, the second factor not given yet
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Fuzz", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()


def _page(client, url):
    response = client.get(url)
    assert response.status_code < 500, url
    if not response.get("Content-Type", "").startswith("text/html"):
        return PageParser(url)
    parser = PageParser(url)
    parser.feed(response.content.decode())
    return parser


# Routes that take no input of their own (their pages have no form and no link with
# parameters to them); they are still fuzzed with random parameters.
NO_INPUT = {
    # the early signals: two downloads (the template, a creditor's feedback), an
    # upload's outcome page, and the rules as a professional sees them (no form; the
    # coordinator's forms on the same page are fuzzed)
    "early_signals:template",
    "early_signals:feedback",
    "early_signals:upload_detail",
    "early_signals:rules",
    # pages that only show (their forms post elsewhere; the other routes fuzz those)
    "web:home",
    "cases:case_detail",
    "journeys:timeline",
    "meetings:meeting_list",
    "register:organisation_detail",
    "budgets:receivables",
    "budgets:spend_detail",
    "budgets:receipt",
    "reports:exchange_job",
    # a link or button on a page whose state the demo does not have (no spend awaits
    # approval, the export form is on the log page after a search)
    "budgets:approvals",
    "budgets:spend_approve",
    "budgets:spend_refuse",
    "audit:log_export",
    # downloads and pages reached only by a button (the letter, its PDF and text, an
    # attachment of the demo, the forward form, a precedent from a closed case), the
    # old notifications address (a redirect), the health check, and the patterns page
    # (no form: its links go to the exceptions register)
    "journeys:attachment",
    "cases:plan_document",
    "journeys:plan_document",
    "journeys:letter",
    "journeys:letter_pdf",
    "journeys:letter_text",
    "journeys:notifications_moved",
    "journeys:request_forward",
    "learning:patterns",
    "learning:precedent_create",
    "web:health",
    # the report's job page (no form) and its file (a download); the form that starts
    # a report job shows only under a report already chosen (the sweep sends it the
    # period's parameters, year, date_from and date_to, with hostile values)
    "reports:job_detail",
    "reports:job_file",
    "reports:job_start",
}
# Sent to a route whose pages show no form (what a tampering user would try).
COMMON_PARAMS = ["action", "case", "request", "condition", "version", "for", "member", "page",
                 "q", "year", "next", "household", "date_from", "date_to"]  # fmt: skip
NOT_READ = ("accounts:logout", "notices:read", "notices:read_all")  # a GET would change them


def _discover(client, world, role):
    """Per path: the forms that are sent to it and the query parameters of the links
    to it, found on the pages this role fuzzes."""
    forms, params = {}, {}
    pages = {
        reverse(name, kwargs=arguments(world))
        for name, (arguments, roles) in ROUTES.items()
        if role in roles and name not in NOT_READ
    }
    for url in sorted(pages):
        parser = _page(client, url)
        for form in parser.forms:
            found = forms.setdefault(urlsplit(form.action).path or url, [])
            key = (form.method, form.action, sorted(form.fields))
            if all((f.method, f.action, sorted(f.fields)) != key for f in found):
                found.append(form)
        for href in parser.links:
            parts = urlsplit(href)
            if parts.query:
                found = params.setdefault(parts.path or url, {})
                for key, value in parse_qsl(parts.query, keep_blank_values=True):
                    found.setdefault(key, [])
                    if value not in found[key]:
                        found[key].append(value)
    return forms, params


def _value(options):
    choices = [st.sampled_from(options)] if options else []
    return st.one_of(*choices, hostile)


@st.composite
def requests(draw, forms, params, path):
    """One request a browser or a tampering user could send to ``path``."""
    fallback = {key: [] for key in COMMON_PARAMS} | params
    specs = forms or [
        FormSpec("get", path, fields=fallback),
        FormSpec("post", path, fields=fallback),
    ]
    spec = draw(st.sampled_from(specs))
    data = {}
    for name, options in spec.fields.items():
        if draw(st.integers(0, 9)) == 0:
            continue  # left out
        values = [draw(_value(options)) for _ in range(draw(st.integers(1, 2)))]
        data[name] = values if len(values) > 1 else values[0]
    if params and spec.method == "get":
        name = draw(st.sampled_from(sorted(params)))
        data[name] = draw(_value(params[name]))
    if draw(st.booleans()):
        data[draw(st.sampled_from(["page", "q", "version", "for", "member", "x"]))] = draw(hostile)
    for name in spec.files:
        content = draw(st.sampled_from([b"%PDF-1.4 fuzz", b"\x89PNG\r\n\x1a\n", b"", b"\x00"]))
        data[name] = SimpleUploadedFile(draw(st.sampled_from(["a.pdf", "b.png", "c"])), content)
    return spec.method, spec.action, data


# The routes are fuzzed in a few shards (every SHARDS-th route, in name order), each a
# test of its own on a demo of its own: the shards run side by side under pytest-xdist
# (`make test`), where one test for all routes took a third of the whole suite.
SHARDS = 4


def shard_routes(shard: int) -> list[str]:
    return sorted(ROUTES)[shard::SHARDS]


def test_the_shards_cover_every_route_once():
    shards = [shard_routes(shard) for shard in range(SHARDS)]
    assert sorted(route for routes in shards for route in routes) == sorted(ROUTES)


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_malformed_input_gets_a_5xx(client, settings, tmp_path, shard):
    """One test for every route of the shard (the demo is loaded once per shard); a
    failure names the route, the role and what was sent."""
    settings.MEDIA_ROOT = tmp_path
    world = _world()
    discovered, blind = {}, set()
    routes = shard_routes(shard)
    for route in routes:
        arguments, roles = ROUTES[route]
        path = reverse(route, kwargs=arguments(world))
        for role in roles:
            if role not in discovered:
                _login(client, world, role)
                discovered[role] = _discover(client, world, role)
            forms, params = discovered[role]
            forms, params = forms.get(path, []), params.get(path, {})
            if not forms and not params:
                blind.add(route)
            _fuzz(client, world, route, role, path, forms, params)
    # A route whose pages show no form and no link with parameters is fuzzed with
    # random parameters only: that must be on purpose.
    expected = NO_INPUT & set(routes)
    assert blind == expected, (
        f"not blind: {sorted(expected - blind)}; blind: {sorted(blind - expected)}"
    )


# Each of these is first sent in every field and parameter at once, form by form (the
# sweep); Hypothesis then mixes valid and hostile values.
SWEEP = [
    "\x00",
    "²",
    "99999999999999999999",
    "-1",
    "\u202e",
    "0001-01-01",
    "9999-12-31",
    "x" * 6000,
]


def _sweep(client, world, route, role, path, forms, params):
    fallback = {key: [] for key in COMMON_PARAMS}
    specs = forms or [FormSpec("get", path, fallback), FormSpec("post", path, fallback)]
    for spec in specs:
        for value in SWEEP:
            data = dict.fromkeys([*spec.fields, *(params if spec.method == "get" else ())], value)
            _login(client, world, role)
            send = client.post if spec.method == "post" else client.get
            response = send(spec.action, data)
            assert response.status_code < 500, (route, role, spec.method, spec.action, value)


def _fuzz(client, world, route, role, path, forms, params):
    _sweep(client, world, route, role, path, forms, params)

    @settings_for(route)
    @given(st.data())
    def check(data):
        _login(client, world, role)
        method, action, payload = data.draw(requests(forms, params, path))
        send = client.post if method == "post" else client.get
        response = send(action, payload)
        assert response.status_code < 500, (route, role, method, action, payload)

    check()


def settings_for(route):
    return hsettings(FUZZ, max_examples=SLOW_ROUTES.get(route, MAX_EXAMPLES))
