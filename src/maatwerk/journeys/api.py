"""The decision makers' inbox in the API (/api/v1/inbox/; docs/api.md): the submitted
requests addressed to the caller's organisation, with only what the household agreed
to share (``shared_view``), and their decisions as journey events — appended, never
changed (POST a decision; there is no PATCH of an event).

A decision is validated by the same forms as the decide page (``DECISION_FORMS``) and
recorded by the same service (``record_event``), which writes its access-log row,
moves the state, restarts the clock and notifies the case owner. ``If-Match`` with
the ``ETag`` of the request (its state and last event) refuses a decision taken on a
request that changed meanwhile (412)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import BooleanField, F, Value, When
from django.db.models import Case as CaseWhen
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from maatwerk.audit.api import AuditedReadOnlyViewSet
from maatwerk.cases.selectors import may_work_on, visible_cases

from .forms.decide import DECISION_FORMS
from .forms.work import EventForm
from .models import SYSTEM_EVENTS, EventType, JourneyEvent, RefusalReason, Request
from .selectors import inbox_requests, share_digest, shared_view, visible_requests
from .services import record_event
from .workflow import overdue_q


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The request changed after you read it; read it again.")
    default_code = "precondition_failed"


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = JourneyEvent
        fields = [
            "id",
            "type",
            "on",
            "reason",
            "text",
            "level",
            "redirected_to",
            "household_agrees",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The event's number (events are never changed).")},
            "type": {"help_text": _("What happened (the exchange format's event types).")},
            "on": {"help_text": _("The day it happened.")},
            "reason": {"help_text": _("The reason of a refusal or a redirect.")},
            "text": {"help_text": _("The condition, the question, what was approved, or a note.")},
            "level": {"help_text": _("The escalation level (1–4).")},
            "redirected_to": {"help_text": _("Where a redirect sent the request.")},
            "household_agrees": {
                "help_text": _("With a condition: whether the household agrees (null: not asked).")
            },
        }


class InboxRequestSerializer(serializers.ModelSerializer):
    pseudonym = serializers.CharField(
        read_only=True, help_text=_("The household's pseudonym: never a name or a number.")
    )
    late = serializers.BooleanField(
        read_only=True, help_text=_("Whether the answer is past its due date.")
    )
    regulation = serializers.CharField(
        source="regulation.name",
        read_only=True,
        default=None,
        help_text=_("The rule an exception is asked from (from the register)."),
    )

    class Meta:
        model = Request
        fields = [
            "id",
            "reference",
            "pseudonym",
            "kind",
            "subject",
            "regulation",
            "rule_text",
            "state",
            "first_submitted_on",
            "due_on",
            "late",
            "escalation_level",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The request's number in this installation.")},
            "reference": {"help_text": _("The request's reference, to quote in answers.")},
            "kind": {"help_text": _("An exception, or a question (an information request).")},
            "subject": {"help_text": _("What is asked.")},
            "rule_text": {"help_text": _("The rule in words, when it is not in the register.")},
            "state": {"help_text": _("Where the request stands.")},
            "first_submitted_on": {"help_text": _("The day it was first sent.")},
            "due_on": {"help_text": _("The day the answer is due (working days).")},
            "escalation_level": {"help_text": _("The escalation level reached (0: none).")},
        }


class SharedRequestSerializer(InboxRequestSerializer):
    perspective = serializers.SerializerMethodField(
        help_text=_(
            "The household's own words, when it agreed to share them and the whole "
            "household may hear them (never a member's words)."
        )
    )
    plan_excerpt = serializers.CharField(
        read_only=True, help_text=_("The part of the plan shared with the organisation.")
    )
    extra_shared = serializers.CharField(
        read_only=True, help_text=_("Anything else shared with the organisation.")
    )
    events = serializers.SerializerMethodField(help_text=_("The journey so far, in date order."))

    class Meta(InboxRequestSerializer.Meta):
        fields = [*InboxRequestSerializer.Meta.fields, "perspective", "plan_excerpt",
                  "extra_shared", "events"]  # fmt: skip

    def get_perspective(self, req) -> str | None:
        view = self.context["shared"]
        return view.perspective.text if view.perspective else None

    def get_events(self, req) -> list[dict]:
        return EventSerializer(self.context["shared"].events, many=True).data


class DecisionSerializer(serializers.Serializer):
    """One decision, as on the decide page."""

    decision = serializers.ChoiceField(
        choices=[(key, form.event_type.label) for key, form in DECISION_FORMS.items()],
        help_text=_("approved, refused, information_requested, condition_added or redirected."),
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text=_("What was approved, the question, the condition, or an explanation."),
    )
    reason = serializers.ChoiceField(
        choices=RefusalReason.choices,
        required=False,
        help_text=_("With refused (required) and redirected: the reason."),
    )
    organisation = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("With redirected: the organisation in the register it goes to."),
    )
    redirected_to = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text=_("With redirected: the desk or organisation outside the register."),
    )


def etag_of(req: Request) -> str:
    last = req.events.order_by("-id").values_list("id", flat=True).first() or 0
    return f'W/"{req.pk}-{req.state}-{last}"'


def append_event(view, request, req: Request, **step) -> Response:
    """One journey event through ``record_event`` (which writes its access-log row,
    moves the state and notifies), refused with 412 when ``If-Match`` names an older
    state of the request, and with the service's field errors as a 400."""
    with transaction.atomic():
        wanted = request.headers.get("If-Match")
        if wanted and wanted != etag_of(req):
            raise PreconditionFailed()
        try:
            event = record_event(request=request._request, user=request.user, req=req, **step)
        except DjangoValidationError as error:
            raise exceptions.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None
        view.audited()  # record_event wrote the update row
    req.refresh_from_db()
    return Response(
        EventSerializer(event).data, status=status.HTTP_201_CREATED, headers={"ETag": etag_of(req)}
    )


class InboxFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=Request.State.choices, help_text=_("Only this state."))

    class Meta:
        model = Request
        fields = ["state"]


class InboxViewSet(AuditedReadOnlyViewSet):
    """The submitted requests addressed to the caller's organisation: late ones first,
    then by due date."""

    serializer_class = InboxRequestSerializer
    filterset_class = InboxFilter
    required_scopes = {"GET": "requests:read", "POST": "requests:write"}
    required_perms = ("journeys.decide_request",)
    audit_object_type = Request._meta.label_lower
    ordering = ("id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema, drawn without a caller
            return Request.objects.none()
        return (
            inbox_requests(self.request.user)
            .annotate(
                pseudonym=F("case__household__pseudonym"),
                late=CaseWhen(
                    When(overdue_q(timezone.localdate()), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
            .select_related("regulation", "case__household", "organisation")
        )

    def audit_household(self, obj) -> str:
        return obj.case.household.pseudonym

    @extend_schema(responses=SharedRequestSerializer)
    def retrieve(self, request, *args, **kwargs):
        """One request, with only what the household agreed to share."""
        req = self.get_object()
        serializer = SharedRequestSerializer(req, context={"shared": shared_view(req)})
        self.audit_read(req, household=self.audit_household(req), detail="decide")
        return Response(serializer.data, headers={"ETag": etag_of(req)})

    @extend_schema(
        request=DecisionSerializer,
        responses={201: EventSerializer},
        parameters=[
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                description=str(_("The ETag read with the request: refused (412) if it changed.")),
            )
        ],
    )
    @action(detail=True, methods=["post"], serializer_class=DecisionSerializer)
    def decisions(self, request, pk=None):
        """Record a decision on the request (a new journey event)."""
        req = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        key = data.pop("decision")
        form_class = DECISION_FORMS[key]
        form = form_class(
            {f"{key}-{name}": value for name, value in data.items()},
            prefix=key,
            own_organisation_id=req.organisation_id,
        )
        if not form.is_valid():
            raise exceptions.ValidationError(
                {
                    name if name != "__all__" else "non_field_errors": errors
                    for name, errors in form.errors.items()
                }
            )
        return append_event(
            self,
            request,
            req,
            type=form_class.event_type,
            on=timezone.localdate(),
            **form.event_fields(),
        )


__all__ = ["InboxViewSet"]


# --- The case team's requests ------------------------------------------------------


class CaseRequestSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True, help_text=_("The case."))
    pseudonym = serializers.CharField(
        source="case.household.pseudonym",
        read_only=True,
        help_text=_("The household's pseudonym: never a name or a number."),
    )
    organisation = serializers.CharField(
        source="organisation.name", read_only=True, help_text=_("The organisation asked.")
    )

    class Meta:
        model = Request
        fields = [
            "id",
            "reference",
            "case",
            "pseudonym",
            "organisation",
            "kind",
            "subject",
            "state",
            "first_submitted_on",
            "due_on",
            "overdue",
            "escalation_level",
        ]
        extra_kwargs = {
            **InboxRequestSerializer.Meta.extra_kwargs,
            "overdue": {"help_text": _("Whether the answer is past its due date.")},
        }


class CaseRequestDetailSerializer(CaseRequestSerializer):
    events = serializers.SerializerMethodField(help_text=_("The journey so far, in date order."))
    share_digest = serializers.SerializerMethodField(
        help_text=_(
            "With a safety concern: the digest of what sending would share, to confirm "
            "with share_confirmed (null without a safety concern)."
        )
    )

    class Meta(CaseRequestSerializer.Meta):
        fields = [*CaseRequestSerializer.Meta.fields, "events", "share_digest"]

    def get_events(self, req) -> list[dict]:
        return EventSerializer(req.events.order_by("on", "id"), many=True).data

    def get_share_digest(self, req) -> str | None:
        return share_digest(req) if req.case.safety_concern else None


class StepSerializer(serializers.Serializer):
    """One step of the journey, as the request page logs it."""

    type = serializers.ChoiceField(
        choices=[(e.value, e.label) for e in EventType if e not in SYSTEM_EVENTS],
        help_text=_("What happened (the exchange format's event types)."),
    )
    on = serializers.DateField(required=False, help_text=_("The day it happened (default today)."))
    on_behalf_of = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("For an answer recorded for an organisation that does not use Maatwerk."),
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text=_("The condition, the question, what was approved, or a note."),
    )
    reason = serializers.ChoiceField(
        choices=RefusalReason.choices,
        required=False,
        help_text=_("The reason of a refusal or a redirect."),
    )
    level = serializers.IntegerField(
        required=False, min_value=1, max_value=4, help_text=_("The escalation level (1–4).")
    )
    redirected_to = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text=_("With redirected: the desk or organisation outside the register."),
    )
    household_agrees = serializers.ChoiceField(
        choices=[("", "–"), ("yes", "yes"), ("no", "no")],
        required=False,
        help_text=_("With a condition: whether the household agrees (empty: not asked)."),
    )
    share_confirmed = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=128,
        help_text=_(
            "With a safety concern, sending needs the share_digest of what will be shared "
            "(read it from the request first)."
        ),
    )


class RequestViewSet(AuditedReadOnlyViewSet):
    """The requests of the cases the caller may see, with their whole journey."""

    serializer_class = CaseRequestSerializer
    filterset_class = InboxFilter
    required_scopes = {"GET": "requests:read", "POST": "requests:write"}
    required_perms = ("journeys.view_request",)
    audit_object_type = Request._meta.label_lower
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema, drawn without a caller
            return Request.objects.none()
        user = self.request.user
        return (
            visible_requests(user)
            .filter(case__in=visible_cases(user).values("pk"))
            .select_related("case__household", "organisation")
        )

    def audit_household(self, obj) -> str:
        return obj.case.household.pseudonym

    @extend_schema(responses=CaseRequestDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        """One request with its whole journey."""
        req = self.get_object()
        data = CaseRequestDetailSerializer(req).data
        self.audit_read(req, household=self.audit_household(req), detail="request")
        return Response(data, headers={"ETag": etag_of(req)})

    @extend_schema(request=StepSerializer, responses={201: EventSerializer})
    @action(detail=True, methods=["post"], serializer_class=StepSerializer)
    def events(self, request, pk=None):
        """Append a step to the journey (a new event; events are never changed)."""
        req = self.get_object()
        if not (
            request.user.has_perm("journeys.add_journeyevent")
            and may_work_on(request.user, req.case)
        ):
            raise exceptions.PermissionDenied(_("You may not log steps of this request."))
        body = StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        confirmed = data.pop("share_confirmed", "")
        form_data = {name: str(value) for name, value in data.items()}
        form_data.setdefault("on", timezone.localdate().isoformat())
        steps = list(req.organisation.escalation_steps.select_related("contact"))
        form = EventForm(form_data, req=req, steps=steps)
        if not form.is_valid():
            raise exceptions.ValidationError(dict(form.errors.items()))
        return append_event(
            self,
            request,
            req,
            type=form.cleaned_data["type"],
            on=form.cleaned_data["on"],
            on_behalf_of=form.cleaned_data["on_behalf_of"].strip(),
            share_confirmed=confirmed,
            **form.event_fields(),
        )


__all__ += ["RequestViewSet"]
