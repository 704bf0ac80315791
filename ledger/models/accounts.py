"""A unit's account: charge components, the monthly charge schedule, the ledger
("kartoteka finansowa") and which payment settled which charge.

Sign convention (see docs/domain.md): ``LedgerEntry.amount`` is signed from the
resident's point of view, so the balance is simply ``SUM(amount)``:
a charge lowers it (negative), a payment raises it (positive); a negative
balance is arrears ("zaległość"), a positive one an overpayment ("nadpłata").
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import MONEY, TimeStampedModel, ValidOnQuerySet, valid_range_constraint
from .structure import Unit

#: Charges fall due on this day of the month unless a schedule says otherwise:
#: the statutory date for both zones (art. 4 ust. 6 of the Act on housing
#: cooperatives; art. 15 ust. 1 of the Act on the ownership of units).
DEFAULT_DUE_DAY = 10


class ChargeComponent(TimeStampedModel):
    """A component of the monthly charges ("składnik opłaty"): operating costs,
    repair fund, cold water, heating, waste… ``name`` is Polish data from the
    accounting system, not a translatable string."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("charge component")
        verbose_name_plural = _("charge components")
        ordering = ["ordering", "code"]

    def __str__(self):
        return self.name


class ChargeSchedule(TimeStampedModel):
    """The unit's monthly charge for one component while the schedule is valid
    ("wymiar opłat"). ``monthly_amount`` is the amount owed, positive. It drives
    the "simulation" (rules §III.4): the current month's charge counts in the
    balance before the accounting system books it."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="charge_schedules",
        db_index=False,  # covered by ledger_schedule_unit_from
    )
    component = models.ForeignKey(
        ChargeComponent,
        verbose_name=_("charge component"),
        on_delete=models.PROTECT,
        related_name="schedules",
    )
    monthly_amount = models.DecimalField(_("monthly amount"), **MONEY)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    due_day = models.PositiveSmallIntegerField(
        _("due day of the month"),
        default=DEFAULT_DUE_DAY,
        help_text=_("Charges fall due on this day of each month."),
    )

    objects = ValidOnQuerySet.as_manager()

    class Meta:
        verbose_name = _("charge schedule")
        verbose_name_plural = _("charge schedules")
        ordering = ["unit", "component__ordering", "valid_from"]
        indexes = [
            models.Index(
                fields=["unit", "valid_from"], name="ledger_schedule_unit_from"
            )
        ]
        constraints = [
            valid_range_constraint("ledger_chargeschedule_valid_range"),
            models.CheckConstraint(
                condition=models.Q(monthly_amount__gte=0),
                name="ledger_chargeschedule_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(due_day__gte=1) & models.Q(due_day__lte=31),
                name="ledger_chargeschedule_due_day_in_month",
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.component} · {self.monthly_amount}"


class LedgerEntry(TimeStampedModel):
    """One booked entry of a unit's ledger, as the accounting system exported it.

    ``amount`` is SIGNED from the resident's point of view; the balance is
    ``SUM(amount)``, negative = arrears, positive = overpayment:

    * ``charge`` and ``interest``: amount owed, stored NEGATIVE (or zero);
    * ``payment``: money received, stored POSITIVE (or zero);
    * ``correction`` and ``settlement`` (media settlement): either sign,
      positive when it is in the resident's favour (a refund, a charge reduced).

    ``period`` is the first day of the accounting month the entry belongs to;
    ``booking_date`` is the day it counts from in the balance; ``due_date`` is
    when a charge falls due. ``(source, external_id)`` is the source key.
    """

    class Kind(models.TextChoices):
        CHARGE = "charge", _("charge")
        PAYMENT = "payment", _("payment")
        CORRECTION = "correction", _("correction")
        INTEREST = "interest", _("late-payment interest")
        SETTLEMENT = "settlement", _("media settlement")

    source = models.CharField(_("source"), max_length=20, default="fk")
    external_id = models.CharField(_("external id"), max_length=64)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        db_index=False,  # covered by ledger_entry_unit_date
    )
    booking_date = models.DateField(_("booking date"))
    period = models.DateField(
        _("accounting period"), help_text=_("First day of the month.")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    component = models.ForeignKey(
        ChargeComponent,
        verbose_name=_("charge component"),
        on_delete=models.PROTECT,
        related_name="entries",
        null=True,
        blank=True,
        # No index of its own: ten million rows carry few components, and the
        # (unit, period, component) index serves every member query.
        db_index=False,
    )
    amount = models.DecimalField(
        _("amount"),
        help_text=_("Negative lowers the balance (charges), positive raises it."),
        **MONEY,
    )
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["unit", "booking_date", "id"]
        indexes = [
            # Balance and statements: one range scan per unit; amount and kind
            # are carried in the index (PostgreSQL) for index-only sums.
            models.Index(
                fields=["unit", "booking_date"],
                include=["amount", "kind"],
                name="ledger_entry_unit_date",
            ),
            # "Is this month's charge for this component booked yet?"
            models.Index(
                fields=["unit", "period", "component"],
                name="ledger_entry_unit_period_comp",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="ledger_entry_source_key"
            ),
            models.CheckConstraint(
                condition=models.Q(period__day=1),
                name="ledger_entry_period_first_of_month",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["charge", "interest"])
                | models.Q(amount__lte=0),
                name="ledger_entry_charge_not_positive",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="payment") | models.Q(amount__gte=0),
                name="ledger_entry_payment_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.booking_date} {self.get_kind_display()} {self.amount}"

    @property
    def debit(self):
        """What the entry adds to the amount owed ("Winien"), or None."""
        return -self.amount if self.amount < 0 else None

    @property
    def credit(self):
        """What the entry pays or credits ("Ma"), or None."""
        return self.amount if self.amount > 0 else None


class EntrySettlement(TimeStampedModel):
    """Which payment settled which charge, and for how much (positive), where the
    accounting system exports that pairing ("rozrachunki")."""

    payment = models.ForeignKey(
        LedgerEntry,
        verbose_name=_("payment"),
        on_delete=models.CASCADE,
        related_name="settles",
    )
    charge = models.ForeignKey(
        LedgerEntry,
        verbose_name=_("charge"),
        on_delete=models.CASCADE,
        related_name="settled_by",
    )
    amount = models.DecimalField(_("amount settled"), **MONEY)

    class Meta:
        verbose_name = _("settlement of a charge")
        verbose_name_plural = _("settlements of charges")
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "charge"], name="ledger_settlement_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="ledger_settlement_amount_positive",
            ),
        ]

    def __str__(self):
        return f"{self.payment} → {self.charge}: {self.amount}"
