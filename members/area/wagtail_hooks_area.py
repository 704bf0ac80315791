"""Staff screens of the member area in the Wagtail admin ("Residents' matters"):
discrepancy reports to answer, repair requests to handle, contact data changes
to confirm, meter readings residents submitted to accept or reject, and which
staff work in which estate office.

Discrepancy reports and repair requests belong to the estate office that
serves the unit (``members.queries.for_staff_estates``): the staff of one
office list, open and download only theirs; any other id is a 404.

Built with wagtail-modeladmin like the rest of the admin, without custom views
or templates: the decisions are form fields whose ``save()`` calls the
services, so moving to ``ModelViewSet`` later only touches this file. Imported
by ``members/wagtail_hooks.py``.
"""

from django import forms
from django.contrib.admin import SimpleListFilter
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel, ObjectList

from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import EditView

from ledger import queries as ledger_queries
from ledger import services as ledger_services
from ledger.formatting import format_date, format_quantity
from ledger.modeladmin import StaffModelAdmin
from ledger.models import Estate, MeterReading
from members import queries as members_queries
from members.area import services
from members.models import (
    ContactChangeRequest,
    DiscrepancyReport,
    EstateOfficeStaff,
    RepairPhoto,
    RepairRequest,
    ResidentMeterReading,
)

# --- Shared pieces ----------------------------------------------------------------


class ResidentRecordPermissionHelper(PermissionHelper):
    """Residents create these records in the member area; staff only handle
    them (never create or delete them here)."""

    def user_can_create(self, user):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class PendingOnlyPermissionHelper(ResidentRecordPermissionHelper):
    """A decision is taken once: only pending rows can be edited."""

    pending = "pending"

    def user_can_edit_obj(self, user, obj):
        return obj.status == self.pending and self.user_can_decide(user, obj)

    def user_can_decide(self, user, obj):
        """May send a decision on ``obj`` (the service refuses one on a row
        decided since the form was loaded, with a clear message)."""
        return super().user_can_edit_obj(user, obj)


class SeenStateForm(WagtailAdminModelForm):
    """Carries, in a hidden field, the record's ``seen_field`` as it was when
    the form was shown. Before saving, the instance gets that value back, so
    the service's check ("decided by someone else meanwhile") compares the
    stored row with what this member of staff saw, not with what the POST
    request loaded a moment ago."""

    seen_field = ""
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    NONE = "-"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen"].initial = self._dump(
            getattr(self.instance, self.seen_field)
        )

    def _dump(self, value) -> str:
        if value is None:
            return self.NONE
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    def _load(self, text: str):
        if text == self.NONE:
            return None
        field = self.instance._meta.get_field(self.seen_field)
        if field.get_internal_type() == "DateTimeField":
            return parse_datetime(text)
        return text

    def restore_seen(self) -> None:
        text = self.cleaned_data.get("seen") or ""
        if text:  # a form sent without it (an old page) is checked as before
            setattr(self.instance, self.seen_field, self._load(text))


class AttachmentPanel(HelpPanel):
    """A link to a report's attachment through the staff download view (the
    file has no public URL)."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            report = self.instance
            if report and report.pk and report.attachment:
                self.content = format_html(
                    '<p><a href="{}">{}</a></p>',
                    reverse("area_report_attachment", args=[report.pk]),
                    _("Download the attachment: %(name)s")
                    % {"name": report.attachment_name or report.attachment.name},
                )
            else:
                self.content = format_html(
                    "<p>{}</p>", _("The resident attached no file.")
                )


class UnitLedgerPanel(HelpPanel):
    """On a report: a link to the unit's page in the books, with its balance
    and ledger (``ledger/templates/ledger/admin/unit_ledger.html``)."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            report = self.instance
            if report and report.pk:
                self.content = format_html(
                    '<p><a href="{}">{}</a></p>',
                    reverse("ledger_unit_modeladmin_inspect", args=[report.unit_id]),
                    _("Open the ledger of unit %(unit)s") % {"unit": report.unit},
                )


class ReadingHistoryPanel(HelpPanel):
    """On a resident's reading: the meter's previous accepted readings with
    their consumption, and the consumption this reading would mean."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            reading = self.instance
            if not (reading and reading.pk):
                return
            meter = reading.meter
            previous = ledger_queries.readings_before_for_staff(
                meter=meter, before=reading.reading_date, exclude_pk=reading.pk
            )
            unit = meter.unit_of_measure
            if previous:
                since = _("%(value)s %(unit)s since %(date)s") % {
                    "value": format_quantity(reading.value - previous[0].value),
                    "unit": unit,
                    "date": format_date(previous[0].reading_date),
                }
            else:
                since = _("no earlier accepted reading")
            rows = format_html_join(
                "",
                "<tr><td>{}</td><td>{} {}</td><td>{}</td></tr>",
                (
                    (
                        format_date(row.reading_date),
                        format_quantity(row.value),
                        unit,
                        "—"
                        if row.consumption is None
                        else f"{format_quantity(row.consumption)} {unit}",
                    )
                    for row in previous
                ),
            )
            table = (
                format_html(
                    '<table class="listing"><thead><tr><th>{}</th><th>{}</th>'
                    "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
                    _("Reading date"),
                    _("Reading"),
                    _("Consumption"),
                    rows,
                )
                if previous
                else ""
            )
            self.content = format_html(
                '<p class="iok-reading-consumption">{}: <strong>{}</strong></p>{}',
                _("Consumption by this reading"),
                since,
                table,
            )


class EstateFilter(SimpleListFilter):
    """Reports for one estate office (Django's related-field filter needs
    ``django.contrib.admin``, which this project does not install)."""

    title = gettext_lazy("estate")
    parameter_name = "estate"

    def lookups(self, request, model_admin):
        estates = Estate.objects.all()
        scope = members_queries.staff_estate_ids(request.user)
        if scope is not None:
            estates = estates.filter(pk__in=scope)
        return [(str(estate.pk), str(estate)) for estate in estates]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(unit__building__estate_id=int(self.value()))
        return queryset


class DecisionForm(SeenStateForm):
    """A pending record is approved or rejected once, with a note for the
    resident. Subclasses give the two ``choices`` (the approving one first),
    the ``note_field`` and ``decide()``, the service that applies the decision
    and records who took it; the form never saves the row by itself."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), widget=forms.RadioSelect
    )
    choices = ()
    note_field = ""
    seen_field = "status"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = self.choices

    def save(self, commit=True):
        self.restore_seen()
        return self.decide(
            approve=self.cleaned_data["decision"] == self.choices[0][0],
            note=self.cleaned_data.get(self.note_field, ""),
        )


def review_edit_handler(*, heading, submitted, decision_fields, form_class):
    """The edit screen of a resident's record: what the resident sent
    (``submitted``: field names shown read-only, or panels) under ``heading``,
    then the fields staff fill in, saved through ``form_class``."""
    return ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel(item, read_only=True) if isinstance(item, str) else item
                    for item in submitted
                ],
                heading=heading,
            ),
            *(FieldPanel(name) for name in decision_fields),
        ],
        base_form_class=form_class,
    )


class ServiceEditView(EditView):
    """The edit screen whose form saves through a service: a ``ValidationError``
    the service raises while saving (another member of staff decided the same
    record since this form was shown) is shown on the form like any other
    error, and nothing is changed (the service's transaction is rolled back).
    A decision sent for a row that is no longer pending reaches the service,
    which says so, rather than a bare "permission denied"."""

    sending = False

    def dispatch(self, request, *args, **kwargs):
        self.sending = request.method == "POST"
        return super().dispatch(request, *args, **kwargs)

    def check_action_permitted(self, user):
        decide = getattr(self.permission_helper, "user_can_decide", None)
        if self.sending and decide is not None:
            return decide(user, self.instance)
        return super().check_action_permitted(user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            self.instance.refresh_from_db()
            form.add_error(None, self.errors_for(form, error))
            return self.form_invalid(form)

    @staticmethod
    def errors_for(form, error):
        """The errors of fields the form does not show go above the form."""
        if not hasattr(error, "error_dict"):
            return error
        errors = {}
        for name, messages in error.error_dict.items():
            key = name if name in form.fields else NON_FIELD_ERRORS
            errors.setdefault(key, []).extend(messages)
        return errors


class ResidentRecordAdmin(StaffModelAdmin):
    """A screen of records residents send: staff inspect them and decide on
    the pending ones."""

    inspect_view_enabled = True
    edit_view_class = ServiceEditView
    permission_helper_class = PendingOnlyPermissionHelper


class EstateScopedAdmin:
    """A screen of records that belong to the estate office serving their
    unit: the list, the edit and inspect screens (404 for another office's
    record) and the filter's estates are those of the user's office(s)."""

    unit_path = "unit"

    def get_queryset(self, request):
        return members_queries.for_staff_estates(
            super().get_queryset(request), request.user, unit_path=self.unit_path
        )

    def _check_scope(self, request, instance_pk):
        queryset = members_queries.for_staff_estates(
            self.model._default_manager.all(), request.user, unit_path=self.unit_path
        )
        if (
            not str(instance_pk).isdigit()
            or not queryset.filter(pk=int(instance_pk)).exists()
        ):
            raise Http404

    def edit_view(self, request, instance_pk):
        self._check_scope(request, instance_pk)
        return super().edit_view(request, instance_pk)

    def inspect_view(self, request, instance_pk):
        self._check_scope(request, instance_pk)
        return super().inspect_view(request, instance_pk)


# --- Discrepancy reports (§III.5) ---------------------------------------------------


class DiscrepancyReportForm(SeenStateForm):
    """Status and answer; answering records who answered and when."""

    seen_field = "answered_at"

    def clean(self):
        cleaned_data = super().clean()
        try:
            services.discrepancy_report_answer_check(
                status=cleaned_data.get("status"),
                answer=cleaned_data.get("answer", ""),
            )
        except ValidationError as error:
            # On the answer field, before the model's check constraint is
            # validated (Django skips a constraint on a field with errors).
            self.add_error(None, error)
        return cleaned_data

    def save(self, commit=True):
        self.restore_seen()
        return services.discrepancy_report_answer(
            report=self.instance,
            staff_user=self.for_user,
            status=self.cleaned_data["status"],
            answer=self.cleaned_data.get("answer", ""),
        )


class DiscrepancyReportAdmin(EstateScopedAdmin, ResidentRecordAdmin):
    model = DiscrepancyReport
    menu_label = gettext_lazy("Discrepancy reports")
    menu_icon = "warning"
    list_display = ("created_at", "unit", "party", "status", "answered_at")
    list_filter = ("status", EstateFilter)
    list_select_related = ("unit__building", "party")
    search_fields = ("party__name", "party__number", "unit__code", "message")
    ordering = ("status", "-created_at")
    inspect_view_fields = (
        "created_at",
        "unit",
        "party",
        "reporter",
        "message",
        "attachment_name",
        "status",
        "answer",
        "answered_by",
        "answered_at",
    )
    # A report may be moved on (in progress) before it is answered.
    permission_helper_class = ResidentRecordPermissionHelper
    edit_handler = review_edit_handler(
        heading=gettext_lazy("The resident's report"),
        submitted=(
            "unit",
            "party",
            "created_at",
            "message",
            AttachmentPanel(heading=gettext_lazy("Attachment")),
            UnitLedgerPanel(heading=gettext_lazy("Unit's ledger")),
        ),
        decision_fields=("status", "answer"),
        form_class=DiscrepancyReportForm,
    )


# --- Contact data changes ---------------------------------------------------------


class ContactChangeDecisionForm(DecisionForm):
    choices = [
        ("confirm", gettext_lazy("Confirm: copy the new data to the party")),
        ("reject", gettext_lazy("Reject")),
    ]
    note_field = "staff_note"

    def decide(self, *, approve, note):
        return services.contact_change_request_decide(
            change=self.instance, staff_user=self.for_user, confirm=approve, note=note
        )


class ContactChangeRequestAdmin(ResidentRecordAdmin):
    model = ContactChangeRequest
    menu_label = gettext_lazy("Contact data changes")
    menu_icon = "mail"
    list_display = ("created_at", "party", "status", "confirmed_at")
    list_filter = ("status",)
    list_select_related = ("party",)
    search_fields = ("party__name", "party__number", "email", "phone")
    ordering = ("-created_at",)
    edit_handler = review_edit_handler(
        heading=gettext_lazy("Requested change (empty = no change)"),
        submitted=("party", *services.CONTACT_FIELDS, "comment"),
        decision_fields=("decision", "staff_note"),
        form_class=ContactChangeDecisionForm,
    )


# --- Readings residents submitted ---------------------------------------------------


class ReadingDecisionForm(DecisionForm):
    choices = [
        ("accept", gettext_lazy("Accept the reading")),
        ("reject", gettext_lazy("Reject the reading")),
    ]
    note_field = "review_note"

    def decide(self, *, approve, note):
        return ledger_services.meter_reading_review(
            reading=self.instance, accept=approve, note=note
        )


class ResidentMeterReadingAdmin(ResidentRecordAdmin):
    model = ResidentMeterReading
    menu_label = gettext_lazy("Residents' meter readings")
    menu_icon = "decimal"
    list_display = ("reading_date", "meter", "value", "status", "submitted_by")
    list_filter = ("status", "meter__kind")
    list_select_related = ("meter__unit__building", "submitted_by")
    search_fields = ("meter__serial_number", "meter__unit__code")
    ordering = ("status", "-reading_date")
    edit_handler = review_edit_handler(
        heading=gettext_lazy("Submitted by the resident"),
        submitted=(
            "meter",
            "reading_date",
            "value",
            "submitted_by",
            ReadingHistoryPanel(heading=gettext_lazy("Previous readings")),
        ),
        decision_fields=("decision", "review_note"),
        form_class=ReadingDecisionForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(source=MeterReading.Source.RESIDENT)


# --- Repair requests (issue 17) -----------------------------------------------------


class RepairPhotosPanel(HelpPanel):
    """The request's photos, through the staff view (no public URL)."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            request = self.instance
            photos = list(request.photos.all()) if request and request.pk else []
            if photos:
                self.content = format_html(
                    '<ul class="iok-repair-photos">{}</ul>',
                    format_html_join(
                        "",
                        '<li><a href="{0}"><img src="{0}" alt="{1}" '
                        'style="max-width:16rem;height:auto"></a></li>',
                        (
                            (
                                reverse("area_repair_photo", args=[photo.pk]),
                                _("Photo %(number)d") % {"number": number},
                            )
                            for number, photo in enumerate(photos, start=1)
                        ),
                    ),
                )
            else:
                self.content = format_html(
                    "<p>{}</p>", _("The resident added no photos.")
                )


class RepairThreadPanel(HelpPanel):
    """What the resident sees of the request: status changes, the office's
    replies and the resident's messages, oldest first."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            request = self.instance
            if not (request and request.pk):
                return
            rows = []
            for message in request.messages.select_related("author"):
                if message.kind == message.Kind.STATUS:
                    what = _("Status changed: %(status)s") % {
                        "status": message.get_status_display()
                    }
                else:
                    what = message.get_kind_display()
                rows.append(
                    (
                        format_date(message.created_at, "SHORT_DATETIME_FORMAT"),
                        what,
                        message.author or "",
                        message.text,
                    )
                )
            if not rows:
                self.content = format_html(
                    "<p>{}</p>", _("No replies or status changes yet.")
                )
                return
            self.content = format_html(
                "<ol>{}</ol>",
                format_html_join(
                    "",
                    "<li><p><strong>{}</strong> · {} · {}</p>"
                    '<p style="white-space:pre-line">{}</p></li>',
                    rows,
                ),
            )


class RepairRequestForm(WagtailAdminModelForm):
    """Status, assignment, a reply the resident sees and an internal note
    they never see; saved by ``services.repair_request_handle``."""

    reply = forms.CharField(
        label=gettext_lazy("Reply to the resident"),
        help_text=gettext_lazy(
            "Shown to the resident in IOK; they are notified if they chose to be."
        ),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assignee" in self.fields and self.instance.pk:
            self.fields["assignee"].queryset = members_queries.estate_office_staff(
                estate_id=self.instance.unit.building.estate_id
            )

    def save(self, commit=True):
        return services.repair_request_handle(
            request=self.instance,
            staff_user=self.for_user,
            status=self.cleaned_data["status"],
            assignee=self.cleaned_data.get("assignee"),
            reply=self.cleaned_data.get("reply", ""),
            internal_note=self.cleaned_data.get("internal_note", ""),
        )


class RepairRequestAdmin(EstateScopedAdmin, ResidentRecordAdmin):
    model = RepairRequest
    menu_label = gettext_lazy("Repair requests")
    menu_icon = "cog"
    list_display = ("created_at", "unit", "category", "place", "status", "assignee")
    list_filter = ("status", "category", EstateFilter)
    list_select_related = ("unit__building", "assignee")
    search_fields = ("party__name", "party__number", "unit__code", "description")
    ordering = ("status", "-created_at")
    inspect_view_fields = (
        "created_at",
        "unit",
        "party",
        "reporter",
        "place",
        "category",
        "description",
        "convenient_time",
        "status",
        "assignee",
        "internal_note",
    )
    permission_helper_class = ResidentRecordPermissionHelper
    edit_handler = review_edit_handler(
        heading=gettext_lazy("The resident's request"),
        submitted=(
            "unit",
            "party",
            "created_at",
            "place",
            "category",
            "description",
            "convenient_time",
            RepairPhotosPanel(heading=gettext_lazy("Photos")),
            RepairThreadPanel(heading=gettext_lazy("History and replies")),
        ),
        decision_fields=("status", "assignee", "reply", "internal_note"),
        form_class=RepairRequestForm,
    )


class EstateOfficeStaffAdmin(StaffModelAdmin):
    """Who works in which estate office (and so sees its residents' repair
    requests and discrepancy reports)."""

    model = EstateOfficeStaff
    menu_label = gettext_lazy("Estate office staff")
    menu_icon = "user"
    list_display = ("estate", "user")
    list_select_related = ("estate", "user")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    ordering = ("estate__name", "user__username")


class MemberAreaAdminGroup(ModelAdminGroup):
    menu_label = gettext_lazy("Residents' matters")
    menu_icon = "group"
    menu_order = 250
    items = (
        DiscrepancyReportAdmin,
        RepairRequestAdmin,
        ContactChangeRequestAdmin,
        ResidentMeterReadingAdmin,
        EstateOfficeStaffAdmin,
    )


modeladmin_register(MemberAreaAdminGroup)


# --- Staff download of a report's attachment ------------------------------------------


@permission_required("members.view_discrepancyreport", raise_exception=True)
def report_attachment_admin_view(request, pk: int):
    report = get_object_or_404(
        members_queries.for_staff_estates(DiscrepancyReport.objects, request.user),
        pk=pk,
    )
    if not report.attachment:
        raise Http404
    filename, content_type = services.attachment_download(report)
    try:
        handle = report.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )


@permission_required("members.view_repairrequest", raise_exception=True)
def repair_photo_admin_view(request, pk: int):
    photo = get_object_or_404(
        members_queries.for_staff_estates(
            RepairPhoto.objects, request.user, unit_path="request__unit"
        ),
        pk=pk,
    )
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@hooks.register("register_admin_urls")
def register_area_admin_urls():
    return [
        path(
            "area/repairs/photos/<int:pk>/",
            repair_photo_admin_view,
            name="area_repair_photo",
        ),
        path(
            "area/reports/<int:pk>/attachment/",
            report_attachment_admin_view,
            name="area_report_attachment",
        ),
    ]
