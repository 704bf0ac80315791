"""Housing loans repaid through the cooperative ("kredyty")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import MONEY, TimeStampedModel
from .structure import Unit


class Loan(TimeStampedModel):
    """A loan attached to a unit: what was granted, and the instalment plan.
    What was repaid and what remains come from its ``LoanEntry`` rows."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="loans"
    )
    number = models.CharField(_("loan number"), max_length=50)
    lender = models.CharField(_("lender"), max_length=200, blank=True)
    amount_granted = models.DecimalField(_("amount granted"), **MONEY)
    granted_on = models.DateField(_("granted on"))
    instalment_amount = models.DecimalField(_("instalment"), **MONEY)
    instalments_count = models.PositiveIntegerField(_("number of instalments"))
    interest_rate = models.DecimalField(
        _("interest rate (% a year)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
    )
    interest_info = models.CharField(_("interest terms"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["unit", "granted_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_granted__gt=0)
                & models.Q(instalment_amount__gte=0),
                name="ledger_loan_amounts_positive",
            ),
        ]

    def __str__(self):
        return f"{self.number} ({self.unit})"


class LoanEntry(TimeStampedModel):
    """One event of a loan. ``amount`` is POSITIVE for every kind except
    ``correction``:

    * ``instalment_due``: an instalment fell due (does not change the debt);
    * ``repayment``: money repaid (lowers the outstanding debt);
    * ``interest``: interest added (raises the outstanding debt);
    * ``correction``: signed, positive lowers the debt like a repayment.

    Outstanding = granted + interest − repayments − corrections;
    loan arrears = instalments due − repayments − corrections (when positive).
    """

    class Kind(models.TextChoices):
        INSTALMENT_DUE = "instalment_due", _("instalment due")
        REPAYMENT = "repayment", _("repayment")
        INTEREST = "interest", _("interest")
        CORRECTION = "correction", _("correction")

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    loan = models.ForeignKey(
        Loan,
        verbose_name=_("loan"),
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,  # covered by ledger_loanentry_loan_date
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    amount = models.DecimalField(_("amount"), **MONEY)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("loan entry")
        verbose_name_plural = _("loan entries")
        ordering = ["loan", "date", "id"]
        indexes = [
            models.Index(
                fields=["loan", "date"],
                include=["amount", "kind"],
                name="ledger_loanentry_loan_date",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="correction") | models.Q(amount__gte=0),
                name="ledger_loanentry_amount_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.amount}"
