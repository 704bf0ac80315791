"""Where the units are: estates, housing communities, buildings, units."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.validators import validate_nip, validate_nrb

from .base import TimeStampedModel


class Estate(TimeStampedModel):
    """An estate ("osiedle") and the estate office ("Administracja Osiedla")
    that serves its buildings: residents' contact card and where discrepancy
    reports go (rules §III.5)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    office_name = models.CharField(_("office name"), max_length=200, blank=True)
    office_address = models.CharField(_("office address"), max_length=300, blank=True)
    office_phone = models.CharField(_("office phone"), max_length=40, blank=True)
    office_email = models.EmailField(_("office e-mail"), blank=True)
    office_hours = models.TextField(_("office opening hours"), blank=True)

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["name"]

    def __str__(self):
        return self.name


class HousingCommunity(TimeStampedModel):
    """A housing community ("wspólnota mieszkaniowa") of owners, managed by the
    cooperative. Its owners see its notices and the ledgers of their units in
    the community zone. It has its own NIP and bank account: its owners pay
    the community, not the cooperative (payments page, QR code, PDF
    statement's letterhead)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    nip = models.CharField(
        _("NIP"), max_length=13, blank=True, validators=[validate_nip]
    )
    bank_account = models.CharField(
        _("bank account"),
        max_length=26,
        blank=True,
        validators=[validate_nrb],
        help_text=_(
            "The community's own account (26 digits, no spaces); its owners pay there."
        ),
    )
    estate = models.ForeignKey(
        Estate,
        verbose_name=_("estate"),
        on_delete=models.PROTECT,
        related_name="communities",
    )

    class Meta:
        verbose_name = _("housing community")
        verbose_name_plural = _("housing communities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bank_account="")
                | models.Q(bank_account__regex=r"^[0-9]{26}$"),
                name="ledger_community_bank_account_26_digits",
            ),
        ]

    @property
    def bank_account_display(self) -> str:
        return nrb_display(self.bank_account)

    def __str__(self):
        return self.name


class Building(TimeStampedModel):
    """A building of an estate; in a housing community when ``community`` is set."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    address = models.CharField(_("address"), max_length=300)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    estate = models.ForeignKey(
        Estate,
        verbose_name=_("estate"),
        on_delete=models.PROTECT,
        related_name="buildings",
    )
    community = models.ForeignKey(
        HousingCommunity,
        verbose_name=_("housing community"),
        on_delete=models.PROTECT,
        related_name="buildings",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["address"]

    def __str__(self):
        return self.address


class Unit(TimeStampedModel):
    """A flat, commercial unit or garage. ``zone`` says which zone of the member
    area shows its ledger: the cooperative's own stock (rules §III.2 "najem lub
    prawo do lokalu") or a housing community ("własność lokalu we wspólnocie").
    ``bank_account`` is the unit's individual NRB for payments."""

    class Kind(models.TextChoices):
        FLAT = "flat", _("flat")
        COMMERCIAL = "commercial", _("commercial unit")
        GARAGE = "garage", _("garage")

    class Zone(models.TextChoices):
        COOPERATIVE = "cooperative", _("cooperative stock")
        COMMUNITY = "community", _("housing community")

    code = models.CharField(_("code"), max_length=30, unique=True)
    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        related_name="units",
    )
    number = models.CharField(_("unit number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.FLAT)
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    zone = models.CharField(
        _("zone"), max_length=20, choices=Zone, default=Zone.COOPERATIVE
    )
    bank_account = models.CharField(
        _("bank account for payments"),
        max_length=26,
        blank=True,
        validators=[validate_nrb],
        help_text=_("26 digits, no spaces."),
    )
    # The unit's share in the common property of its housing community
    # ("udział w nieruchomości wspólnej"): a resolution's majority by shares
    # is counted with it (members.area.votes).
    common_share = models.DecimalField(
        _("share in the common property"),
        max_digits=8,
        decimal_places=7,
        null=True,
        blank=True,
        help_text=_("A fraction above 0 and at most 1, e.g. 0.0123."),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building__address", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"], name="ledger_unit_number_in_building"
            ),
            models.CheckConstraint(
                condition=models.Q(bank_account="")
                | models.Q(bank_account__regex=r"^[0-9]{26}$"),
                name="ledger_unit_bank_account_26_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(floor_area__isnull=True)
                | models.Q(floor_area__gt=0),
                name="ledger_unit_floor_area_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(common_share__isnull=True)
                | (models.Q(common_share__gt=0) & models.Q(common_share__lte=1)),
                name="ledger_unit_common_share_fraction",
            ),
        ]

    def __str__(self):
        return f"{self.building.address}/{self.number}"

    @property
    def bank_account_display(self) -> str:
        """The NRB grouped as banks print it: ``12 3456 7890 …``."""
        return nrb_display(self.bank_account)


def nrb_display(account: str) -> str:
    """An NRB grouped as banks print it: ``12 3456 7890 …``."""
    if not account:
        return ""
    return " ".join([account[:2]] + [account[i : i + 4] for i in range(2, 26, 4)])
