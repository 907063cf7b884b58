"""System learning (orders 2 and 3, docs/learning.md): what blocked a case
(bottlenecks), what should change and who was asked to change it (learning points, with
their follow-up), and whether the case has been analysed (the closing analysis).

Bottlenecks and learning points describe the system, not the household: their texts are
screened for personal data before they are stored (maatwerk.core.personal_data), and a
learning point is shared with its addressee."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.cases.models import Case
from maatwerk.core.models import AppendOnlyModel
from maatwerk.register.models import Organisation


class BottleneckCategory(models.TextChoices):
    # The codes are those of maatwerk-case/1 (../shared/docs/exchange-format.md).
    KNOWLEDGE_SKILLS = "knowledge_skills", _("knowledge and skills")
    COLLABORATION = "collaboration", _("collaboration")
    COMMUNICATION = "communication", _("communication")
    ICT_SYSTEMS = "ict_systems", _("ICT and systems")
    LAWS_REGULATIONS = "laws_regulations", _("laws and regulations")


class Bottleneck(models.Model):
    """What blocked a case (knelpunt), typically entered at closing."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="bottlenecks")
    category = models.CharField(_("category"), max_length=32, choices=BottleneckCategory.choices)
    text = models.TextField(_("what blocked the case"), max_length=5000)
    regulation = models.CharField(
        _("regulation involved"),
        max_length=500,
        blank=True,
        help_text=_("For example kostendelersnorm or fraudeschuld."),
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations involved"), related_name="+", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bottleneck")
        verbose_name_plural = _("bottlenecks")
        ordering = ["case", "id"]
        indexes = [models.Index(fields=["category", "case"], name="bottleneck_category_case")]

    def __str__(self):
        return f"{self.get_category_display()}: {self.text[:60]}"


class LearningStatus(models.TextChoices):
    # The codes are those of maatwerk-case/1.
    PROPOSED = "proposed", _("proposed")
    SENT = "sent", _("sent to the addressee")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    IN_PROGRESS = "in_progress", _("in progress")
    IMPLEMENTED = "implemented", _("implemented")
    REJECTED = "rejected", _("rejected")
    NO_RESPONSE = "no_response", _("no response")


# The follow-up: from each status, the statuses it may go to. An addressee that did not
# answer (no_response) may still answer later.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    LearningStatus.PROPOSED: (LearningStatus.SENT, LearningStatus.REJECTED),
    LearningStatus.SENT: (
        LearningStatus.ACKNOWLEDGED,
        LearningStatus.IN_PROGRESS,
        LearningStatus.IMPLEMENTED,
        LearningStatus.REJECTED,
        LearningStatus.NO_RESPONSE,
    ),
    LearningStatus.ACKNOWLEDGED: (
        LearningStatus.IN_PROGRESS,
        LearningStatus.IMPLEMENTED,
        LearningStatus.REJECTED,
        LearningStatus.NO_RESPONSE,
    ),
    LearningStatus.IN_PROGRESS: (
        LearningStatus.IMPLEMENTED,
        LearningStatus.REJECTED,
        LearningStatus.NO_RESPONSE,
    ),
    LearningStatus.NO_RESPONSE: (
        LearningStatus.ACKNOWLEDGED,
        LearningStatus.IN_PROGRESS,
        LearningStatus.IMPLEMENTED,
        LearningStatus.REJECTED,
    ),
    LearningStatus.IMPLEMENTED: (),
    LearningStatus.REJECTED: (),
}
# What the addressee answers (in the app, or recorded on its behalf).
ANSWER_STATUSES = (
    LearningStatus.ACKNOWLEDGED,
    LearningStatus.IN_PROGRESS,
    LearningStatus.IMPLEMENTED,
    LearningStatus.REJECTED,
)
# Waiting for the addressee: reminded, and asked again in the yearly follow-up round.
OPEN_STATUSES = (
    LearningStatus.SENT,
    LearningStatus.ACKNOWLEDGED,
    LearningStatus.IN_PROGRESS,
    LearningStatus.NO_RESPONSE,
)


class LearningPoint(models.Model):
    """What should change (leerpunt), of order 1 (this case), 2 (an organisation
    removes its own obstacle) or 3 (a rule changes), addressed to an organisation or a
    ministry of the register, with its follow-up."""

    class Order(models.IntegerChoices):
        CASE = 1, _("1 – solve the case")
        ORGANISATION = 2, _("2 – the organisation removes its obstacle")
        RULES = 3, _("3 – the rules change")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), choices=Order.choices)
    text = models.TextField(_("what should change"), max_length=5000)
    addressee = models.ForeignKey(
        Organisation,
        verbose_name=_("addressee"),
        on_delete=models.PROTECT,
        related_name="learning_points",
        null=True,
        blank=True,
    )
    # The addressee as written, when it is not an organisation of the register (an
    # imported case names it in words).
    addressee_name = models.CharField(_("addressee (in words)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=LearningStatus.choices,
        default=LearningStatus.PROPOSED,
        db_index=True,
    )
    status_on = models.DateField(_("status since"))
    cases = models.ManyToManyField(Case, verbose_name=_("cases"), related_name="learning_points")
    bottlenecks = models.ManyToManyField(
        Bottleneck, verbose_name=_("bottlenecks"), related_name="learning_points", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("learning point")
        verbose_name_plural = _("learning points")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["addressee", "status"], name="learning_point_addressee"),
            models.Index(fields=["status", "status_on"], name="learning_point_waiting"),
        ]
        permissions = [
            ("follow_up_learningpoint", _("Can send learning points and record their follow-up")),
            ("answer_learningpoint", _("Can answer learning points addressed to the organisation")),
            ("view_all_learningpoints", _("Can see every learning point")),
            ("view_patterns", _("Can see the patterns and the exceptions register (counts)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(order__gte=1, order__lte=3), name="learning_point_order_1_3"
            )
        ]

    def __str__(self):
        return f"{self.reference}: {self.text[:60]}"

    @property
    def addressee_label(self) -> str:
        return self.addressee.name if self.addressee_id else self.addressee_name


class LearningStep(AppendOnlyModel):
    """One dated step of a learning point's follow-up (append-only): sent, the
    addressee's answer, no response, a reminder; with the answer in its own words."""

    learning_point = models.ForeignKey(
        LearningPoint, on_delete=models.PROTECT, related_name="steps"
    )
    status = models.CharField(_("status"), max_length=16, choices=LearningStatus.choices)
    on = models.DateField(_("date"))
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=200,
        blank=True,
        help_text=_(
            "Who answered, when you record the answer of an organisation not on the platform."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("learning point step")
        verbose_name_plural = _("learning point steps")
        ordering = ["learning_point", "on", "id"]


class LearningNotice(models.Model):
    """An e-mail about a learning point that must go out once: a reminder when the
    addressee has not answered in time, the yearly follow-up question."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("reminder")
        FOLLOW_UP = "follow_up", _("yearly follow-up question")

    learning_point = models.ForeignKey(
        LearningPoint, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # reminder: the step waited on; follow_up: the year of the round.
    key = models.CharField(max_length=40)
    sent_to = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learning_point", "kind", "key"], name="learning_notice_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"


class ClosingAnalysis(models.Model):
    """The analysis of a case for system learning, done together by the professional
    and the coordinator when the case closes or reaches the national level. Until it is
    completed the case is on the coordinator's list of analyses to do."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="closing_analysis")
    no_bottlenecks = models.BooleanField(
        _("nothing blocked this case"),
        default=False,
        help_text=_("Tick this when the case went smoothly: that is a finding too."),
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("closing analysis")
        verbose_name_plural = _("closing analyses")

    def __str__(self):
        return f"{self.case_id}"


class Precedent(models.Model):
    """A solved case as an example for colleagues elsewhere (databank van resultaten):
    how was this solved before? Written from a closed case without any direct
    identifier, screened for personal data, and published by a second coordinator.

    ``search_a``, ``search_b`` and ``search_d`` hold the stems of its texts by weight
    (maatwerk.core.textsearch): A the rule and the life domains, B the title, the
    organisations and the exception ground, D the situation, what was asked and what
    worked. They are written by ``services.precedent_save`` and indexed per database
    (migration 0002): a GIN index of their tsvector on PostgreSQL, an FTS5 table on
    SQLite."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    title = models.CharField(_("title"), max_length=200)
    situation = models.TextField(_("the situation"), max_length=3000)
    asked = models.TextField(_("what was asked"), max_length=2000, blank=True)
    what_worked = models.TextField(_("what worked"), max_length=3000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Case.Outcome.choices)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), null=True, blank=True)
    life_domains = models.ManyToManyField(
        "register.LifeDomain", verbose_name=_("life domains"), related_name="+", blank=True
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations"), related_name="+", blank=True
    )
    regulation = models.ForeignKey(
        "register.Regulation",
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    regulation_text = models.CharField(_("rule (in words)"), max_length=200, blank=True)
    legal_ground = models.ForeignKey(
        "register.LegalGround",
        verbose_name=_("exception ground"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refusal_reasons = models.JSONField(_("refusals met on the way"), default=list, blank=True)
    # The case it was written from: seen only by those who may see that case. A
    # precedent outlives its case (retention), so the link may go.
    source_case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="precedents"
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    search_a = models.TextField(default="", editable=False)
    search_b = models.TextField(default="", editable=False)
    search_d = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("precedent")
        verbose_name_plural = _("precedents")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"], name="precedent_published")]
        permissions = [
            ("publish_precedent", _("Can publish a precedent (the second pair of eyes)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_by__isnull=False),
                name="precedent_published_by_someone",
            )
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    @property
    def rule_label(self) -> str:
        return self.regulation.name if self.regulation_id else self.regulation_text


class PrecedentLink(models.Model):
    """A published precedent linked to an open case: "this is how it was solved
    before", chosen by someone who works on the case (from the case page, the refusal
    on a request, or the precedent's own page). The case owner, and by preference the
    team, hear of it (notice kind ``precedent``)."""

    precedent = models.ForeignKey(Precedent, on_delete=models.CASCADE, related_name="links")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="precedent_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("precedent linked to a case")
        verbose_name_plural = _("precedents linked to cases")
        ordering = ["case", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["precedent", "case"], name="precedent_link_once")
        ]

    def __str__(self):
        return f"{self.precedent_id} → {self.case_id}"
