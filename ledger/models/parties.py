"""Who holds the units: parties, their rights to units, and membership."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import MONEY, TimeStampedModel, ValidOnQuerySet, valid_range_constraint
from .structure import Unit


class Party(TimeStampedModel):
    """An account holder ("kontrahent") in the accounting system; one login each
    (``members.User.party``). ``number`` is the party number of the accounting
    system and the resident's login identifier."""

    number = models.CharField(_("party number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The correspondence address: street line, postal code, city.
    address = models.CharField(_("correspondence address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.number})"

    @property
    def full_address(self) -> str:
        """The correspondence address on one line, as on an envelope."""
        town = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.address, town) if part)


class UnitRight(TimeStampedModel):
    """A party's legal title to a unit ("tytuł prawny do lokalu") from
    ``valid_from`` to ``valid_to`` (inclusive; open-ended when empty). A unit can
    have several holders at once (spouses, co-owners): ``share`` is each one's
    fraction, for information only; every holder sees the whole unit ledger,
    but only for the days their right is valid."""

    class Kind(models.TextChoices):
        LEASE = "lease", _("lease")
        COOP_TENANT = "coop_tenant", _("cooperative tenant right")
        COOP_OWNERSHIP = "coop_ownership", _("cooperative ownership right")
        SEPARATE_OWNERSHIP = "separate_ownership", _("separate ownership")

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    party = models.ForeignKey(
        Party,
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="rights",
        db_index=False,  # covered by ledger_right_party_unit
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="rights"
    )
    kind = models.CharField(_("kind of right"), max_length=30, choices=Kind)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    share = models.DecimalField(
        _("share"), max_digits=7, decimal_places=6, default=1, help_text=_("0–1")
    )

    objects = ValidOnQuerySet.as_manager()

    class Meta:
        verbose_name = _("right to a unit")
        verbose_name_plural = _("rights to units")
        ordering = ["unit", "valid_from"]
        indexes = [
            models.Index(fields=["party", "unit"], name="ledger_right_party_unit")
        ]
        constraints = [
            valid_range_constraint("ledger_unitright_valid_range"),
            models.CheckConstraint(
                condition=models.Q(share__gt=0) & models.Q(share__lte=1),
                name="ledger_unitright_share_fraction",
            ),
        ]

    def __str__(self):
        return f"{self.party} → {self.unit} ({self.get_kind_display()})"


class Membership(TimeStampedModel):
    """A party's membership of the cooperative ("dział członkowski"):
    ``member_number`` is the register number and the source key. Shares are
    counted (``shares_declared``) and paid up in money (``shares_paid``)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        TERMINATED = "terminated", _("terminated (notice given)")
        EXCLUDED = "excluded", _("excluded")
        STRUCK_OFF = "struck_off", _("struck off the register")
        DECEASED = "deceased", _("deceased")

    member_number = models.CharField(_("member number"), max_length=20, unique=True)
    party = models.ForeignKey(
        Party,
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    admission_date = models.DateField(_("admission date"))
    admission_resolution = models.CharField(
        _("admission resolution"), max_length=100, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.ACTIVE
    )
    shares_declared = models.PositiveIntegerField(_("shares declared"), default=1)
    shares_paid = models.DecimalField(_("shares paid"), default=0, **MONEY)
    entry_fee_paid = models.DecimalField(_("entry fee paid"), default=0, **MONEY)
    termination_date = models.DateField(_("termination date"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["member_number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(termination_date__isnull=True)
                | models.Q(termination_date__gte=models.F("admission_date")),
                name="ledger_membership_termination_after_admission",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active")
                | models.Q(termination_date__isnull=True),
                name="ledger_membership_active_not_terminated",
            ),
            models.CheckConstraint(
                condition=models.Q(shares_paid__gte=0)
                & models.Q(entry_fee_paid__gte=0),
                name="ledger_membership_payments_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.member_number} {self.party.name}"
