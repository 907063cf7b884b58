"""The Maatwerkregister: organisations, their maatwerk contacts and escalation routes,
and the editable reference lists (life domains, regulations, legal exception grounds,
reference costs)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{8,20}$",
    _("Enter a phone number with 10 to 15 digits, for example +31 20 000 1234."),
)


class BilingualName(models.Model):
    """Reference-list rows with a Dutch and an English name."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


class LifeDomain(BilingualName):
    """Leefgebied. The codes are fixed by the exchange format; the names are editable."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("life domain")
        verbose_name_plural = _("life domains")
        ordering = ["order", "code"]


class Regulation(models.Model):
    """A law or rule that organisations decide on (Participatiewet, Zvw, Wgs …)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(_("abbreviation"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name


class LegalGround(models.Model):
    """Uitzonderingsgrond: a ground for deviating from a rule."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    regulation = models.ForeignKey(
        Regulation,
        verbose_name=_("regulation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_grounds",
    )
    article = models.CharField(_("article"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("legal exception ground")
        verbose_name_plural = _("legal exception grounds")
        ordering = ["title"]

    def __str__(self):
        return self.title


class ReferenceCost(BilingualName):
    """A reference cost for the cost comparison (muddling on versus breaking through)."""

    class Unit(models.TextChoices):
        PER_YEAR = "per_year", _("per year")
        ONE_OFF = "one_off", _("one-off")
        PER_MONTH = "per_month", _("per month")
        PER_HOUR = "per_hour", _("per hour")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    amount = models.DecimalField(
        _("amount (euro)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    source = models.CharField(_("source"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reference cost")
        verbose_name_plural = _("reference costs")
        ordering = ["name_nl"]


class OrganisationType(models.TextChoices):
    MUNICIPALITY = "municipality", _("municipality")
    NATIONAL_AGENCY = "national_agency", _("national agency")
    MINISTRY = "ministry", _("ministry")
    HOUSING_ASSOCIATION = "housing_association", _("housing association")
    HEALTH_INSURER = "health_insurer", _("health insurer")
    CARE_PROVIDER = "care_provider", _("care provider")
    ENERGY_COMPANY = "energy_company", _("energy company")
    CREDITOR = "creditor", _("creditor")
    JUSTICE = "justice", _("justice")
    SCHOOL = "school", _("school")
    OTHER = "other", _("other")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    description = models.TextField(_("description"), blank=True)
    life_domains = models.ManyToManyField(
        LifeDomain, verbose_name=_("life domains"), related_name="organisations", blank=True
    )
    regulations = models.ManyToManyField(
        Regulation,
        verbose_name=_("regulations it decides on"),
        related_name="organisations",
        blank=True,
    )
    email = models.EmailField(_("central e-mail address"), blank=True)
    phone = models.CharField(
        _("central phone number"), max_length=32, blank=True, validators=[phone_validator]
    )
    response_target_days = models.PositiveSmallIntegerField(
        _("response target (working days)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A maatwerk contact person (maatwerkfunctionaris) at an organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(
        _("phone number"), max_length=32, blank=True, validators=[phone_validator]
    )
    mandate = models.TextField(
        _("mandate"), blank=True, help_text=_("What this person may decide on their own.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["organisation__name", "name"]

    def __str__(self):
        return f"{self.name} – {self.organisation}"

    def clean(self):
        if not self.email and not self.phone:
            raise ValidationError(_("Give an e-mail address or a phone number (or both)."))


class EscalationStep(models.Model):
    """One level of an organisation's escalation route."""

    class Level(models.IntegerChoices):
        CONTACT = 1, _("maatwerk contact")
        MANAGER = 2, _("manager")
        BOARD = 3, _("director or board")
        NATIONAL = 4, _("national escalation team")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="escalation_steps",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        related_name="escalation_steps",
        help_text=_("Level 4 usually points to a contact of the national escalation team."),
    )
    response_target_days = models.PositiveSmallIntegerField(
        _("response target (working days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "How many working days this level has to answer after an escalation. Empty: the "
            "response target of the contact's organisation (for level 4 usually the national "
            "escalation team's own)."
        ),
    )

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["organisation__name", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "level"], name="escalation_step_unique_level"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="escalation_level_1_4"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.get_level_display()}"

    @property
    def target_days(self) -> int:
        """The working days this level has to answer: its own target, otherwise that of
        the contact's organisation (select_related ``contact__organisation``)."""
        if self.response_target_days:
            return self.response_target_days
        return self.contact.organisation.response_target_days

    def clean(self):
        if (
            self.level
            and self.level < self.Level.NATIONAL
            and self.contact_id
            and self.organisation_id
            and self.contact.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"contact": _("Levels 1 to 3 need a contact of the organisation itself.")}
            )
