"""Staff screens for the books in the Wagtail admin ("Ewidencja" menu).

Built with wagtail-modeladmin. Imported financial records (ledger entries, loan
entries, imports) are read-only for everyone: corrections come through the
accounting system or ``ledger.services``. Which staff group sees what is set by
``ledger/migrations/0003_staff_groups.py``.
"""

import datetime as dt
import re

from django.contrib.admin import SimpleListFilter
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.forms import WagtailAdminModelForm

from wagtail_modeladmin.helpers.search import DjangoORMSearchHandler
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import InspectView

from ledger import queries
from ledger.documents_admin import document_link
from ledger.formatting import format_money
from ledger.imports.liveness import mark_interrupted
from ledger.imports.specs import KINDS
from ledger.modeladmin import (
    DeclaredFiltersIndexView,
    ReadOnlyPermissionHelper,
    StaffModelAdmin,
)
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

# --- Shared pieces --------------------------------------------------------------------


def import_keys(model) -> frozenset[str]:
    """The fields by which the accounting system's imports find ``model``'s
    rows (``Party.number``, ``Unit.code``, ``external_id``, …): the key of
    every import kind that writes the model (``ledger.imports.specs``)."""
    return frozenset(spec.key for spec in KINDS.values() if spec.model is model)


class ImportKeysReadOnlyForm(WagtailAdminModelForm):
    """An existing row's import keys cannot be changed in the admin: the next
    import would no longer find the row (and would create a second one). The
    field is shown disabled, so a value sent anyway is ignored. A new row
    (created by an accountant) gets its key here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name in import_keys(self._meta.model):
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "The key of the accounting system: it cannot be changed here."
                )


class LedgerModelAdmin(StaffModelAdmin):
    inspect_view_enabled = True
    list_per_page = 50

    def get_edit_handler(self):
        handler = super().get_edit_handler()
        if handler.base_form_class is None:
            handler = type(handler)(
                **{**handler.clone_kwargs(), "base_form_class": ImportKeysReadOnlyForm}
            )
        return handler


class SplitOnSlashSearchHandler(DjangoORMSearchHandler):
    """Search that also splits ``Katowicka 5/12`` into address and number."""

    def search_queryset(self, queryset, search_term, **kwargs):
        return super().search_queryset(
            queryset, re.sub(r"[/,]", " ", search_term or ""), **kwargs
        )


def money_column(attribute, label):
    """A list column showing ``attribute`` as ``1 234,56 zł``."""

    def column(obj):
        return format_money(getattr(obj, attribute))

    column.short_description = label
    column.admin_order_field = attribute
    return column


class YearFilter(SimpleListFilter):
    """The accounting period's year: the last eleven years, no query."""

    title = gettext_lazy("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        return [(str(year), str(year)) for year in range(this_year, this_year - 11, -1)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(period__year=int(self.value()))
        return queryset


class MonthFilter(SimpleListFilter):
    """The accounting period's month (with the year filter: one period)."""

    title = gettext_lazy("month")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        return [(str(month), f"{month:02d}") for month in range(1, 13)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(period__month=int(self.value()))
        return queryset


class UnitFilter(SimpleListFilter):
    """Entries of one unit; set by the link on the unit's page (there are too
    many units to list them all as choices)."""

    title = gettext_lazy("unit")
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        value = self.value()
        if value and value.isdigit():
            unit = Unit.objects.select_related("building").filter(pk=value).first()
            if unit:
                return [(value, str(unit))]
        return []

    def has_output(self):
        return bool(self.lookup_choices)

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(unit_id=int(self.value()))
        return queryset


def related_filter(field_path: str, model, title, parameter_name: str):
    """A list filter by a related row of a small table (estates, components).

    Django's own related-field filter needs ``django.contrib.admin``, which
    this project does not install."""

    class RelatedFilter(SimpleListFilter):
        def lookups(self, request, model_admin):
            return [(str(obj.pk), str(obj)) for obj in model.objects.all()]

        def queryset(self, request, queryset):
            if self.value() and self.value().isdigit():
                return queryset.filter(**{f"{field_path}_id": int(self.value())})
            return queryset

    RelatedFilter.title = title
    RelatedFilter.parameter_name = parameter_name
    return RelatedFilter


EstateFilter = related_filter("estate", Estate, gettext_lazy("estate"), "estate")
CommunityFilter = related_filter(
    "community", HousingCommunity, gettext_lazy("housing community"), "community"
)
UnitEstateFilter = related_filter(
    "building__estate", Estate, gettext_lazy("estate"), "estate"
)
ComponentFilter = related_filter(
    "component", ChargeComponent, gettext_lazy("charge component"), "component"
)


class CurrentFilter(SimpleListFilter):
    """Rows valid today (``valid_from``/``valid_to``)."""

    title = gettext_lazy("validity")
    parameter_name = "valid"

    def lookups(self, request, model_admin):
        return [("now", _("valid today")), ("ended", _("ended"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "now":
            return queryset.valid_on(today)
        if self.value() == "ended":
            return queryset.filter(valid_to__lt=today)
        return queryset


# --- Structure ------------------------------------------------------------------------


class EstateAdmin(LedgerModelAdmin):
    model = Estate
    menu_label = gettext_lazy("Estates")
    menu_icon = "home"
    list_display = ("code", "name", "office_phone", "office_email")
    search_fields = ("code", "name", "office_address")


class HousingCommunityAdmin(LedgerModelAdmin):
    model = HousingCommunity
    menu_label = gettext_lazy("Housing communities")
    menu_icon = "group"
    list_display = ("code", "name", "address", "nip", "bank_account", "estate")
    list_filter = (EstateFilter,)
    search_fields = ("code", "name", "address", "nip")


class BuildingAdmin(LedgerModelAdmin):
    model = Building
    menu_label = gettext_lazy("Buildings")
    menu_icon = "site"
    list_display = ("code", "address", "estate", "community")
    list_filter = (EstateFilter, CommunityFilter)
    list_select_related = ("estate", "community")
    search_fields = ("code", "address", "city")


class UnitInspectView(InspectView):
    """The unit's page: its data, who holds it, and its ledger (balance as of
    today, this month's charges and the last twelve months' entries)."""

    def get_field_display_value(self, field_name, field=None):
        if field_name == "holders":
            return self.holders()
        if field_name == "ledger":
            return self.ledger()
        if field_name == "bank_account":
            return self.instance.bank_account_display or _("none")
        return super().get_field_display_value(field_name, field)

    def get_field_label(self, field_name, field=None):
        if field_name == "holders":
            return _("Holders")
        if field_name == "ledger":
            return _("Ledger")
        return super().get_field_label(field_name, field)

    def holders(self):
        rights = self.instance.rights.select_related("party").order_by("-valid_from")
        return format_html_join(
            "",
            "<div>{} — {}, {} {} – {}</div>",
            (
                (
                    right.party,
                    right.get_kind_display(),
                    _("from"),
                    right.valid_from,
                    right.valid_to or "…",
                )
                for right in rights
            ),
        ) or _("none")

    def ledger(self):
        today = timezone.localdate()
        page = self.request.GET.get("page", "")
        entries_url = "{}?unit={}".format(
            reverse("ledger_ledgerentry_modeladmin_index"), self.instance.pk
        )
        return render_to_string(
            "ledger/admin/unit_ledger.html",
            {
                "breakdown": queries.balance_breakdown_for_staff(
                    unit=self.instance, on=today
                ),
                "statement": queries.statement_for_staff(
                    unit=self.instance,
                    date_from=today.replace(day=1) - dt.timedelta(days=365),
                    date_to=today,
                    page=int(page) if page.isdigit() else 10_000,
                ),
                "entries_url": entries_url,
            },
            request=self.request,
        )


class UnitAdmin(LedgerModelAdmin):
    model = Unit
    menu_label = gettext_lazy("Units")
    menu_icon = "table"
    list_display = ("code", "__str__", "kind", "zone", "floor_area", "estate")
    list_filter = ("zone", "kind", UnitEstateFilter)
    list_select_related = ("building__estate",)
    search_fields = ("code", "number", "building__address", "building__code")
    search_handler_class = SplitOnSlashSearchHandler
    ordering = ("code",)
    inspect_view_class = UnitInspectView
    inspect_view_fields = (
        "code",
        "building",
        "number",
        "kind",
        "zone",
        "floor_area",
        "common_share",
        "bank_account",
        "holders",
        "ledger",
    )

    def estate(self, obj):
        return obj.building.estate

    estate.short_description = gettext_lazy("estate")


# --- People ---------------------------------------------------------------------------


class PartyInspectView(InspectView):
    """A party with its rights, units, account state and balances."""

    def get_field_display_value(self, field_name, field=None):
        if field_name == "rights_and_units":
            return self.rights_and_units()
        if field_name == "account_state":
            return account_state(self.instance)
        return super().get_field_display_value(field_name, field)

    def get_field_label(self, field_name, field=None):
        labels = {
            "rights_and_units": _("Rights and units"),
            "account_state": _("Account"),
        }
        if field_name in labels:
            return labels[field_name]
        return super().get_field_label(field_name, field)

    def rights_and_units(self):
        today = timezone.localdate()
        rights = self.instance.rights.select_related("unit__building").order_by(
            "-valid_from"
        )
        rows = []
        for right in rights:
            if queries.RightWindow(right.valid_from, right.valid_to).covers(today):
                total = queries.balance(
                    party=self.instance, unit=right.unit, on=today
                ).total
                state = format_money(total)
            else:
                state = _("ended")
            rows.append(
                (
                    reverse("ledger_unit_modeladmin_inspect", args=[right.unit_id]),
                    right.unit,
                    right.get_kind_display(),
                    right.valid_from,
                    right.valid_to or "…",
                    state,
                )
            )
        return format_html_join(
            "", '<div><a href="{}">{}</a> — {}, {} – {}: {}</div>', rows
        ) or _("none")


def account_state(party) -> str:
    """The party's login and its state. The state is the account's own rule
    (``members``' ``User.account_state``), read through the reverse relation:
    ``ledger`` does not import ``members``."""
    user = getattr(party, "user", None)
    if user is None:
        return _("no account")
    return f"{user.account_state.label} ({user.get_username()})"


class PartyAdmin(LedgerModelAdmin):
    model = Party
    menu_label = gettext_lazy("Parties")
    menu_icon = "user"
    list_display = ("number", "name", "email", "phone", "account")
    search_fields = ("number", "name", "email", "phone", "address")
    inspect_view_class = PartyInspectView
    inspect_view_fields = (
        "number",
        "name",
        "email",
        "phone",
        "full_address",
        "account_state",
        "rights_and_units",
        "memberships",
    )

    def account(self, obj):
        return account_state(obj)

    account.short_description = gettext_lazy("account")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class UnitRightAdmin(LedgerModelAdmin):
    model = UnitRight
    menu_label = gettext_lazy("Rights to units")
    menu_icon = "key"
    list_display = ("party", "unit", "kind", "valid_from", "valid_to", "share")
    list_filter = ("kind", CurrentFilter)
    list_select_related = ("party", "unit__building")
    search_fields = (
        "external_id",
        "party__number",
        "party__name",
        "unit__code",
        "unit__number",
        "unit__building__address",
    )
    search_handler_class = SplitOnSlashSearchHandler


class MembershipAdmin(LedgerModelAdmin):
    model = Membership
    menu_label = gettext_lazy("Memberships")
    menu_icon = "group"
    list_display = (
        "member_number",
        "party",
        "status",
        "admission_date",
        "shares_declared",
        money_column("shares_paid", gettext_lazy("shares paid")),
        money_column("entry_fee_paid", gettext_lazy("entry fee paid")),
    )
    list_filter = ("status",)
    list_select_related = ("party",)
    search_fields = ("member_number", "party__number", "party__name")


# --- Accounts -------------------------------------------------------------------------


class LedgerEntryAdmin(LedgerModelAdmin):
    model = LedgerEntry
    menu_label = gettext_lazy("Ledger entries")
    menu_icon = "list-ul"
    permission_helper_class = ReadOnlyPermissionHelper
    list_display = (
        "booking_date",
        "unit",
        "period",
        "kind",
        "component",
        money_column("debit", gettext_lazy("debit")),
        money_column("credit", gettext_lazy("credit")),
        "document_number",
    )
    list_filter = (UnitFilter, "kind", YearFilter, MonthFilter, ComponentFilter)
    list_select_related = ("unit__building", "component")
    search_fields = (
        "unit__code",
        "unit__number",
        "unit__building__address",
        "document_number",
        "external_id",
    )
    search_handler_class = SplitOnSlashSearchHandler
    ordering = ("-booking_date", "-id")


class ChargeComponentAdmin(LedgerModelAdmin):
    model = ChargeComponent
    menu_label = gettext_lazy("Charge components")
    menu_icon = "tag"
    list_display = ("code", "name", "ordering")
    search_fields = ("code", "name")


class ChargeScheduleAdmin(LedgerModelAdmin):
    model = ChargeSchedule
    menu_label = gettext_lazy("Charge schedules")
    menu_icon = "calendar"
    list_display = (
        "unit",
        "component",
        money_column("monthly_amount", gettext_lazy("monthly amount")),
        "valid_from",
        "valid_to",
        "due_day",
    )
    list_filter = (CurrentFilter, ComponentFilter)
    list_select_related = ("unit__building", "component")
    search_fields = (
        "external_id",
        "unit__code",
        "unit__number",
        "unit__building__address",
    )
    search_handler_class = SplitOnSlashSearchHandler


class LoanInspectView(InspectView):
    """A loan with what was repaid, what remains and any arrears."""

    def get_field_label(self, field_name, field=None):
        if field_name == "figures":
            return _("Repayment")
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field=None):
        if field_name != "figures":
            return super().get_field_display_value(field_name, field)
        loan = queries.loans_with_figures().get(pk=self.instance.pk)
        return format_html(
            "{}: {}<br>{}: {}<br>{}: {}<br>{}: {}",
            _("Repaid"),
            format_money(loan.repaid),
            _("Interest"),
            format_money(loan.interest),
            _("Outstanding"),
            format_money(loan.outstanding),
            _("Instalments overdue"),
            format_money(queries.loan_arrears(loan)),
        )


class LoanAdmin(LedgerModelAdmin):
    model = Loan
    menu_label = gettext_lazy("Loans")
    menu_icon = "doc-full"
    list_display = (
        "number",
        "unit",
        "granted_on",
        money_column("amount_granted", gettext_lazy("amount granted")),
        money_column("repaid", gettext_lazy("repaid")),
        money_column("outstanding", gettext_lazy("outstanding")),
    )
    list_select_related = ("unit__building",)
    search_fields = ("number", "external_id", "unit__code", "unit__building__address")
    search_handler_class = SplitOnSlashSearchHandler
    inspect_view_class = LoanInspectView
    inspect_view_fields = (
        "number",
        "unit",
        "lender",
        "amount_granted",
        "granted_on",
        "instalment_amount",
        "instalments_count",
        "interest_rate",
        "interest_info",
        "figures",
    )

    def get_queryset(self, request):
        return queries.loans_with_figures()


class LoanEntryAdmin(LedgerModelAdmin):
    model = LoanEntry
    menu_label = gettext_lazy("Loan entries")
    menu_icon = "list-ol"
    permission_helper_class = ReadOnlyPermissionHelper
    list_display = (
        "date",
        "loan",
        "kind",
        money_column("amount", gettext_lazy("amount")),
    )
    list_filter = ("kind",)
    list_select_related = ("loan__unit__building",)
    search_fields = ("loan__number", "external_id")
    ordering = ("-date", "-id")
    extra_lookups = ("loan",)


# --- Meters ---------------------------------------------------------------------------


class MeterAdmin(LedgerModelAdmin):
    model = Meter
    menu_label = gettext_lazy("Meters")
    menu_icon = "crosshairs"
    list_display = (
        "serial_number",
        "kind",
        "unit",
        "location",
        "installed_on",
        "removed_on",
    )
    list_filter = ("kind",)
    list_select_related = ("unit__building",)
    search_fields = (
        "serial_number",
        "external_id",
        "unit__code",
        "unit__number",
        "unit__building__address",
    )
    search_handler_class = SplitOnSlashSearchHandler


class MeterReadingAdmin(LedgerModelAdmin):
    """Readings; staff review the ones residents submit (status and note)."""

    model = MeterReading
    menu_label = gettext_lazy("Meter readings")
    menu_icon = "decimal"
    list_display = (
        "reading_date",
        "meter",
        "value",
        "source",
        "status",
        "submitted_by",
    )
    list_filter = ("status", "source", "meter__kind")
    list_select_related = ("meter", "submitted_by")
    search_fields = ("meter__serial_number", "meter__unit__code", "external_id")
    ordering = ("-reading_date", "-id")
    extra_lookups = ("meter",)
    form_fields_exclude = ("submitted_by",)


# --- Imports --------------------------------------------------------------------------


class MarkInterruptedMixin:
    """Before showing imports, mark the ones whose process is gone
    (ledger.imports.liveness), so nothing shows "running" forever."""

    def dispatch(self, request, *args, **kwargs):
        mark_interrupted()
        return super().dispatch(request, *args, **kwargs)


class DataImportIndexView(MarkInterruptedMixin, DeclaredFiltersIndexView):
    pass


class DataImportInspectView(MarkInterruptedMixin, InspectView):
    pass


class DataImportAdmin(LedgerModelAdmin):
    model = DataImport
    index_view_class = DataImportIndexView
    inspect_view_class = DataImportInspectView
    menu_label = gettext_lazy("Imports")
    menu_icon = "upload"
    permission_helper_class = ReadOnlyPermissionHelper
    list_display = (
        "created_at",
        "kind",
        "file_name",
        "status",
        "rows_total",
        "inserted",
        "updated",
        "removed",
        "finished_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("file_name", "checksum")


# --- Personal documents (issue 18) ----------------------------------------------------


class PersonalDocumentAdmin(LedgerModelAdmin):
    """Documents addressed to residents: listed and inspected here; they come
    from the import, or one at a time from "Add a personal document"
    (ledger.documents_admin), never edited."""

    model = PersonalDocument
    menu_label = gettext_lazy("Personal documents")
    menu_icon = "doc-full"
    permission_helper_class = ReadOnlyPermissionHelper
    list_display = ("date", "title", "kind", "party", "unit", "read_at", "pdf")
    list_filter = ("kind",)
    list_select_related = ("party", "unit")
    search_fields = ("title", "external_id", "party__number", "unit__code")
    ordering = ("-date", "-id")
    inspect_view_fields = (
        "external_id",
        "party",
        "unit",
        "kind",
        "date",
        "title",
        "checksum",
        "read_at",
        "created_at",
    )

    def pdf(self, obj):
        return document_link(obj)

    pdf.short_description = gettext_lazy("PDF")


class LedgerAdminGroup(ModelAdminGroup):
    menu_label = gettext_lazy("Records")
    menu_icon = "folder-open-inverse"
    menu_order = 300
    items = (
        UnitAdmin,
        PartyAdmin,
        UnitRightAdmin,
        LedgerEntryAdmin,
        ChargeScheduleAdmin,
        LoanAdmin,
        LoanEntryAdmin,
        MeterAdmin,
        MeterReadingAdmin,
        MembershipAdmin,
        EstateAdmin,
        HousingCommunityAdmin,
        BuildingAdmin,
        ChargeComponentAdmin,
        PersonalDocumentAdmin,
        DataImportAdmin,
    )


modeladmin_register(LedgerAdminGroup)

from ledger.imports import hooks as import_hooks  # noqa: E402, F401  (import screen)
