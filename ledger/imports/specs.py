"""What each kind of import file holds: its columns, its source key, the model it
fills, the keys it refers to, and the checks that span more than one cell.

The file formats themselves are documented for people in docs/import-formats.md;
a test keeps that document and these specs in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledger.models import (
    Building,
    ChargeComponent,
    ChargeSchedule,
    DataImport,
    Estate,
    HousingCommunity,
    LedgerEntry,
    Loan,
    LoanEntry,
    Membership,
    Meter,
    MeterReading,
    Party,
    PersonalDocument,
    Unit,
    UnitRight,
)

from .parsing import (
    BankAccount,
    Choice,
    Column,
    Date,
    Email,
    Integer,
    Key,
    Month,
    Nip,
    Number,
    Text,
)


@dataclass(frozen=True)
class Ref:
    """A column that names a row of another kind by its source key."""

    model: type[models.Model]
    key: str
    kind: str  # the import kind that provides these rows, for the error hint

    @property
    def table(self) -> str:
        return self.model._meta.db_table


@dataclass(frozen=True)
class FieldSpec:
    """A model field filled by an import; ``columns`` are the file columns it
    comes from (one, except the ledger's amount, made of debit and credit)."""

    name: str
    ref: Ref | None = None
    columns: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return self.columns or (self.name,)


@dataclass(frozen=True)
class Replace:
    """How a full export of a period replaces what the portal holds.

    Rows of the kind whose ``scope`` (a unit, loan or meter) appears in the file
    and whose ``date`` lies in the declared range, but which the file does not
    contain, are removed and counted as removed.
    """

    scope: str
    date: str
    by_month: bool = False


class RowErrors:
    """Collects the cross-column errors of one row, placed at their columns."""

    __slots__ = ("failed", "line", "log", "positions")

    def __init__(self, log, positions: dict[str, int], line: int):
        self.log = log
        self.positions = positions
        self.line = line
        self.failed = False

    def __call__(self, column: str, message: str) -> None:
        position = self.positions.get(column)
        self.log.error(
            self.line,
            None if position is None else position + 1,
            f"{column}: {message}",
            column,
        )
        self.failed = True


# A row hook gets the converted values (in the order of the kind's columns) and
# returns the values in the order of its fields, or reports errors.
Prepare = Callable[[tuple, RowErrors], tuple | None]
Export = Callable[[tuple], tuple]


@dataclass(frozen=True)
class KindSpec:
    """One kind of import file."""

    name: str
    label: Any
    model: type[models.Model]
    key: str
    data_kind: str
    columns: tuple[Column, ...]
    fields: tuple[FieldSpec, ...]
    prepare: Prepare | None = None
    export: Export | None = None
    #: Ledger entries are keyed by (source, external_id): several accounting
    #: systems can feed one portal without their ids colliding.
    source_scoped: bool = False
    replace: Replace | None = None
    #: Values written on every imported row (e.g. readings are accepted).
    fixed: dict[str, Any] = field(default_factory=dict)
    #: Which rows of the model belong to imports; others are never touched.
    owned: dict[str, Any] = field(default_factory=dict)
    #: Groups of fields the database keeps unique besides the key.
    unique_together: tuple[tuple[str, ...], ...] = ()
    #: SQL run after the rows are written, returning (key, message) pairs of
    #: rows that break a rule spanning several rows.
    post_checks: tuple[Callable[[KindSpec], tuple[str, Sequence]], ...] = ()
    #: Master data: rows missing from a file are kept, and counted as a warning.
    master: bool = False
    #: Columns the row rules of ``prepare`` read. A file may leave an optional
    #: one out (the portal's value stays); the rules are then checked again on
    #: each existing row as it will be after the merge (ledger.imports.writers).
    rule_columns: tuple[str, ...] = ()
    #: A batch of files with a manifest (a ZIP or a folder), not one table:
    #: ledger.imports.bundles opens it and checks each row's file.
    bundle: bool = False
    example: str = ""

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @cached_property
    def key_index(self) -> int:
        return self.field_names.index(self.key)

    def model_field(self, name: str) -> models.Field:
        return self.model._meta.get_field(name)

    def column(self, name: str) -> Column:
        return self.columns[self.column_names.index(name)]

    def present_fields(self, header: Sequence[str]) -> tuple[FieldSpec, ...]:
        """Fields the file sets: the others keep their value on update."""
        have = set(header)
        return tuple(f for f in self.fields if any(c in have for c in f.sources))

    @property
    def self_refs(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.ref and f.ref.model is self.model)


def _empty(model: type[models.Model], name: str) -> Any:
    """What an empty cell means for a field: NULL, its default, or ''."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a file column that is not a model field
        return None
    if model_field.null or model_field.is_relation:
        return None
    if model_field.has_default():
        default = model_field.get_default()
        if isinstance(model_field, models.DecimalField):
            return Decimal(default)  # as the file's numbers are: never an int
        return default
    if model_field.empty_strings_allowed:
        return ""
    return None


def _max_length(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length


def _choice(model: type[models.Model], name: str, **aliases: str) -> Choice:
    """The codes of a model field's choices, plus Polish spellings."""
    codes = tuple(value for value, _label in model._meta.get_field(name).choices)
    return Choice(codes=codes, aliases=tuple(aliases.items()))


def _build(
    name: str,
    label: Any,
    model: type[models.Model],
    key: str,
    data_kind: str,
    specs: Sequence[tuple[Column, Ref | None]],
    **options: Any,
) -> KindSpec:
    columns = []
    fields = []
    for column, ref in specs:
        columns.append(
            Column(
                column.name,
                column.type,
                required=column.required,
                help=column.help,
                empty=_empty(model, column.name),
                in_header=column.in_header,
            )
        )
        fields.append(FieldSpec(column.name, ref=ref))
    options.setdefault("fields", tuple(fields))
    return KindSpec(
        name=name,
        label=label,
        model=model,
        key=key,
        data_kind=data_kind,
        columns=tuple(columns),
        **options,
    )


def key(name: str, model, help_text: str = "") -> tuple[Column, None]:
    return Column(name, Key(max_length=_max_length(model, name)), help=help_text), None


def text(
    name: str, model, required: bool = False, help_text: str = ""
) -> tuple[Column, None]:
    return (
        Column(
            name,
            Text(max_length=_max_length(model, name)),
            required=required,
            help=help_text,
        ),
        None,
    )


def ref(name: str, target: Ref, required: bool = True, help_text: str = ""):
    return (
        Column(
            name,
            Key(max_length=_max_length(target.model, target.key)),
            required=required,
            help=help_text,
        ),
        target,
    )


def col(name: str, vtype, required: bool = True, help_text: str = ""):
    return Column(name, vtype, required=required, help=help_text), None


MONEY = Number(max_digits=12, decimal_places=2)
MONEY_NOT_NEGATIVE = Number(max_digits=12, decimal_places=2, minimum=Decimal(0))

ESTATE = Ref(Estate, "code", "estates")
COMMUNITY = Ref(HousingCommunity, "code", "communities")
BUILDING = Ref(Building, "code", "buildings")
UNIT = Ref(Unit, "code", "units")
PARTY = Ref(Party, "number", "parties")
COMPONENT = Ref(ChargeComponent, "code", "components")
LOAN = Ref(Loan, "external_id", "loans")
METER = Ref(Meter, "external_id", "meters")


# --------------------------------------------------------------------------------
# Cross-column rules


def _valid_range(start: str, end: str, values_at: tuple[int, int]):
    first, last = values_at

    def check(values: tuple, errors: RowErrors) -> tuple | None:
        if values[last] is not None and values[last] < values[first]:
            errors(end, _("is before %(column)s") % {"column": start})
            return None
        return values

    return check


def _ledger_prepare(values: tuple, errors: RowErrors) -> tuple | None:
    """debit (Winien) and credit (Ma) become one amount signed for the resident:
    amount = credit - debit; charges and interest must be debits, payments credits."""
    (external_id, unit, booked, period, due, kind, component, debit, credit) = values[
        :9
    ]
    if debit is None and credit is None:
        errors("debit", _("enter the amount as debit or as credit"))
        return None
    amount = (credit or 0) - (debit or 0)
    if kind in ("charge", "interest") and amount > 0:
        errors("credit", _("a charge or interest is a debit, not a credit"))
        return None
    if kind == "payment" and amount < 0:
        errors("debit", _("a payment is a credit, not a debit"))
        return None
    if abs(amount) >= Decimal("1e10"):
        errors("debit", _("the amount is too large"))
        return None
    return (external_id, unit, booked, period, due, kind, component, amount) + values[
        9:
    ]


def _ledger_export(values: tuple) -> tuple:
    amount = values[7]
    debit = -amount if amount < 0 or (amount == 0 and values[5] != "payment") else None
    credit = amount if debit is None else None
    return values[:7] + (debit, credit) + values[8:]


def _loan_entry_prepare(values: tuple, errors: RowErrors) -> tuple | None:
    if values[3] != "correction" and values[4] < 0:
        errors("amount", _("only a correction may be negative"))
        return None
    return values


def _membership_prepare(values: tuple, errors: RowErrors) -> tuple | None:
    admitted, status, ended = values[2], values[4], values[8]
    if ended is not None and ended < admitted:
        errors("termination_date", _("is before admission_date"))
        return None
    if status == "active" and ended is not None:
        errors("termination_date", _("an active membership has no termination date"))
        return None
    return values


def _meter_prepare(values: tuple, errors: RowErrors) -> tuple | None:
    if values[7] is not None and values[7] < values[6]:
        errors("removed_on", _("is before installed_on"))
        return None
    if values[8] is not None and values[8] == values[0]:
        errors("replaces", _("a meter cannot replace itself"))
        return None
    return values


def _unit_prepare(values: tuple, errors: RowErrors) -> tuple | None:
    share = values[7]
    if share is not None and not Decimal(0) < share <= Decimal(1):
        errors("common_share", _("a share is a fraction above 0 and at most 1"))
        return None
    return values


def _right_prepare(values: tuple, errors: RowErrors) -> tuple | None:
    if values[5] is not None and values[5] < values[4]:
        errors("valid_to", _("is before valid_from"))
        return None
    share = values[6]
    if share is not None and not Decimal(0) < share <= Decimal(1):
        errors("share", _("a share is a fraction above 0 and at most 1"))
        return None
    return values


def _schedules_overlap(spec: KindSpec) -> tuple[str, Sequence]:
    """Schedules of one unit and component whose validity ranges overlap."""
    table = spec.model._meta.db_table
    return (
        f"""
        SELECT b.external_id, a.external_id
        FROM {table} a
        JOIN {table} b
          ON a.unit_id = b.unit_id AND a.component_id = b.component_id
         AND a.id < b.id
         AND a.valid_from <= COALESCE(b.valid_to, %s)
         AND b.valid_from <= COALESCE(a.valid_to, %s)
        ORDER BY b.external_id, a.external_id
        """,  # noqa: S608 - table names come from the model, not from input
        [dt.date.max, dt.date.max],
    )


DAY = Integer(minimum=1, maximum=31)

KINDS: dict[str, KindSpec] = {}


def _register(spec: KindSpec) -> None:
    KINDS[spec.name] = spec


_register(
    _build(
        "estates",
        gettext_lazy("estates and their offices"),
        Estate,
        "code",
        DataImport.Kind.STRUCTURE,
        [
            key("code", Estate, "estate code"),
            text("name", Estate, required=True),
            text("office_name", Estate),
            text("office_address", Estate),
            text("office_phone", Estate),
            col("office_email", Email(), required=False),
            (Column("office_hours", Text(max_length=1000), required=False), None),
        ],
        master=True,
    )
)
_register(
    _build(
        "communities",
        gettext_lazy("housing communities"),
        HousingCommunity,
        "code",
        DataImport.Kind.STRUCTURE,
        [
            key("code", HousingCommunity),
            text("name", HousingCommunity, required=True),
            text("address", HousingCommunity),
            ref("estate", ESTATE),
            col("nip", Nip(), required=False),
            col("bank_account", BankAccount(), required=False),
        ],
        master=True,
    )
)
_register(
    _build(
        "buildings",
        gettext_lazy("buildings"),
        Building,
        "code",
        DataImport.Kind.STRUCTURE,
        [
            key("code", Building),
            text("address", Building, required=True),
            text("postal_code", Building),
            text("city", Building),
            ref("estate", ESTATE),
            ref("community", COMMUNITY, required=False),
        ],
        master=True,
    )
)
_register(
    _build(
        "units",
        gettext_lazy("units"),
        Unit,
        "code",
        DataImport.Kind.STRUCTURE,
        [
            key("code", Unit),
            ref("building", BUILDING),
            text("number", Unit, required=True),
            col(
                "kind",
                _choice(Unit, "kind", mieszkanie="flat", lokal_użytkowy="commercial"),
                required=False,
            ),
            col(
                "floor_area",
                Number(max_digits=8, decimal_places=2, minimum=Decimal("0.01")),
                required=False,
            ),
            col("zone", _choice(Unit, "zone"), required=False),
            col("bank_account", BankAccount(), required=False),
            col(
                "common_share",
                Number(max_digits=8, decimal_places=7, minimum=Decimal(0)),
                required=False,
            ),
        ],
        prepare=_unit_prepare,
        unique_together=(("building", "number"),),
        master=True,
    )
)
_register(
    _build(
        "parties",
        gettext_lazy("parties (account holders)"),
        Party,
        "number",
        DataImport.Kind.PARTIES,
        [
            key("number", Party),
            text("name", Party, required=True),
            col("email", Email(), required=False),
            text("phone", Party),
            text("address", Party),
            text("postal_code", Party),
            text("city", Party),
        ],
        master=True,
    )
)
_register(
    _build(
        "rights",
        gettext_lazy("rights to units"),
        UnitRight,
        "external_id",
        DataImport.Kind.RIGHTS,
        [
            key("external_id", UnitRight),
            ref("party", PARTY),
            ref("unit", UNIT),
            col("kind", _choice(UnitRight, "kind")),
            col("valid_from", Date()),
            col("valid_to", Date(), required=False),
            col(
                "share",
                Number(max_digits=7, decimal_places=6, minimum=Decimal(0)),
                required=False,
            ),
        ],
        prepare=_right_prepare,
        rule_columns=("valid_from", "valid_to"),
        master=True,
    )
)
_register(
    _build(
        "components",
        gettext_lazy("charge components"),
        ChargeComponent,
        "code",
        DataImport.Kind.SCHEDULES,
        [
            key("code", ChargeComponent),
            text("name", ChargeComponent, required=True),
            col("ordering", Integer(minimum=0, maximum=32767), required=False),
        ],
        master=True,
    )
)
_register(
    _build(
        "schedules",
        gettext_lazy("charge schedules"),
        ChargeSchedule,
        "external_id",
        DataImport.Kind.SCHEDULES,
        [
            key("external_id", ChargeSchedule),
            ref("unit", UNIT),
            ref("component", COMPONENT),
            col("monthly_amount", MONEY_NOT_NEGATIVE),
            col("valid_from", Date()),
            col("valid_to", Date(), required=False),
            col("due_day", DAY, required=False),
        ],
        prepare=_valid_range("valid_from", "valid_to", (4, 5)),
        rule_columns=("valid_from", "valid_to"),
        post_checks=(_schedules_overlap,),
        master=True,
    )
)

_LEDGER_COLUMNS = [
    key("external_id", LedgerEntry),
    ref("unit", UNIT),
    col("booking_date", Date()),
    col("period", Month()),
    col("due_date", Date(), required=False),
    col(
        "kind",
        _choice(
            LedgerEntry,
            "kind",
            naliczenie="charge",
            wpłata="payment",
            korekta="correction",
            odsetki="interest",
            rozliczenie="settlement",
        ),
    ),
    ref("component", COMPONENT, required=False),
    (Column("debit", MONEY_NOT_NEGATIVE, required=False, in_header=True), None),
    (Column("credit", MONEY_NOT_NEGATIVE, required=False, in_header=True), None),
    text("document_number", LedgerEntry),
    text("description", LedgerEntry),
]
_register(
    _build(
        "ledger",
        gettext_lazy("ledger entries"),
        LedgerEntry,
        "external_id",
        DataImport.Kind.LEDGER,
        _LEDGER_COLUMNS,
        fields=(
            FieldSpec("external_id"),
            FieldSpec("unit", ref=UNIT),
            FieldSpec("booking_date"),
            FieldSpec("period"),
            FieldSpec("due_date"),
            FieldSpec("kind"),
            FieldSpec("component", ref=COMPONENT),
            FieldSpec("amount", columns=("debit", "credit")),
            FieldSpec("document_number"),
            FieldSpec("description"),
        ),
        prepare=_ledger_prepare,
        export=_ledger_export,
        source_scoped=True,
        replace=Replace(scope="unit", date="period", by_month=True),
    )
)
_register(
    _build(
        "loans",
        gettext_lazy("loans"),
        Loan,
        "external_id",
        DataImport.Kind.LOANS,
        [
            key("external_id", Loan),
            ref("unit", UNIT),
            text("number", Loan, required=True),
            text("lender", Loan),
            col(
                "amount_granted",
                Number(max_digits=12, decimal_places=2, minimum=Decimal("0.01")),
            ),
            col("granted_on", Date()),
            col("instalment_amount", MONEY_NOT_NEGATIVE),
            col("instalments_count", Integer(minimum=0, maximum=2_000)),
            col(
                "interest_rate",
                Number(max_digits=6, decimal_places=3, minimum=Decimal(0)),
                required=False,
            ),
            text("interest_info", Loan),
        ],
        master=True,
    )
)
_register(
    _build(
        "loan-entries",
        gettext_lazy("loan entries"),
        LoanEntry,
        "external_id",
        DataImport.Kind.LOANS,
        [
            key("external_id", LoanEntry),
            ref("loan", LOAN),
            col("date", Date()),
            col(
                "kind",
                _choice(
                    LoanEntry,
                    "kind",
                    rata="instalment_due",
                    spłata="repayment",
                    odsetki="interest",
                    korekta="correction",
                ),
            ),
            col("amount", MONEY),
            text("description", LoanEntry),
        ],
        prepare=_loan_entry_prepare,
        replace=Replace(scope="loan", date="date"),
    )
)
_register(
    _build(
        "meters",
        gettext_lazy("meters"),
        Meter,
        "external_id",
        DataImport.Kind.METERS,
        [
            key("external_id", Meter),
            ref("unit", UNIT),
            col("kind", _choice(Meter, "kind")),
            text("serial_number", Meter, required=True),
            text("location", Meter),
            text("unit_of_measure", Meter, required=True),
            col("installed_on", Date()),
            col("removed_on", Date(), required=False),
            ref("replaces", METER, required=False),
        ],
        prepare=_meter_prepare,
        rule_columns=("installed_on", "removed_on"),
        unique_together=(("replaces",),),
        master=True,
    )
)
_register(
    _build(
        "readings",
        gettext_lazy("meter readings"),
        MeterReading,
        "external_id",
        DataImport.Kind.READINGS,
        [
            key("external_id", MeterReading),
            ref("meter", METER),
            col("reading_date", Date()),
            col(
                "value",
                Number(max_digits=12, decimal_places=3, minimum=Decimal(0)),
            ),
            col(
                "source",
                Choice(
                    codes=("collector", "radio"), aliases=(("inkasent", "collector"),)
                ),
                required=False,
            ),
        ],
        fixed={"status": MeterReading.Status.ACCEPTED},
        owned={"external_id__isnull": False},
        replace=Replace(scope="meter", date="reading_date"),
    )
)
_register(
    _build(
        "memberships",
        gettext_lazy("membership register"),
        Membership,
        "member_number",
        DataImport.Kind.MEMBERSHIP,
        [
            key("member_number", Membership),
            ref("party", PARTY),
            col("admission_date", Date()),
            text("admission_resolution", Membership),
            col("status", _choice(Membership, "status")),
            col(
                "shares_declared", Integer(minimum=0, maximum=1_000_000), required=False
            ),
            col("shares_paid", MONEY_NOT_NEGATIVE, required=False),
            col("entry_fee_paid", MONEY_NOT_NEGATIVE, required=False),
            col("termination_date", Date(), required=False),
        ],
        prepare=_membership_prepare,
        rule_columns=("admission_date", "status", "termination_date"),
        master=True,
    )
)


def _document_needs_bundle(values: tuple, errors: RowErrors) -> tuple | None:
    """A documents manifest is read only within its batch (bundles.py), which
    replaces this rule with one that reads each row's file."""
    errors("file", _("a documents manifest is imported with its files (ZIP)"))
    return None


_register(
    _build(
        "documents",
        gettext_lazy("personal documents (ZIP or folder with manifest.csv)"),
        PersonalDocument,
        "external_id",
        DataImport.Kind.DOCUMENTS,
        [
            key("external_id", PersonalDocument, "the document's key"),
            ref("party", PARTY),
            ref("unit", UNIT),
            col(
                "kind",
                _choice(
                    PersonalDocument,
                    "kind",
                    zawiadomienie="charges_change",
                    rozliczenie="utilities_settlement",
                    saldo="balance_confirmation",
                    inne="other",
                ),
            ),
            col("date", Date()),
            text("title", PersonalDocument, required=True),
            col("file", Text(max_length=255)),
        ],
        fields=(
            FieldSpec("external_id"),
            FieldSpec("party", ref=PARTY),
            FieldSpec("unit", ref=UNIT),
            FieldSpec("kind"),
            FieldSpec("date"),
            FieldSpec("title"),
            FieldSpec("file"),
            FieldSpec("checksum", columns=("file",)),
        ),
        prepare=_document_needs_bundle,
        bundle=True,
    )
)


def get_kind(name: str) -> KindSpec:
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(name) from None
