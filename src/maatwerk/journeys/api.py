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

from .forms.decide import DECISION_FORMS
from .models import EventType, JourneyEvent, RedirectReason, RefusalReason, Request
from .selectors import inbox_requests, shared_view
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
        with transaction.atomic():
            wanted = request.headers.get("If-Match")
            if wanted and wanted != etag_of(req):
                raise PreconditionFailed()
            try:
                event = record_event(
                    request=request._request,
                    user=request.user,
                    req=req,
                    type=form_class.event_type,
                    on=timezone.localdate(),
                    **form.event_fields(),
                )
            except DjangoValidationError as error:
                raise exceptions.ValidationError(
                    error.message_dict if hasattr(error, "error_dict") else error.messages
                ) from None
            self.audited()  # record_event wrote the update row
        req.refresh_from_db()
        return Response(
            EventSerializer(event).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_of(req)},
        )


__all__ = ["EventType", "InboxViewSet", "RedirectReason"]
