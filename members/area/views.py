"""The zones of the member area (rules §III.2).

Every view is wrapped in ``member_required`` (login, second factor when the
user has one, never cached; the forced password change, blocking and idle
timeout are enforced by the members middleware for all of /iok/). A view
authorises, calls ``ledger.queries`` (the resident's units and figures),
``members.area.queries`` (their reports and requests) or ``services`` with
the logged-in user's party, and renders. Ids in URLs are looked up within
that party's units, so another resident's id is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cms import queries as cms_queries
from cms.site_links import get_site_links
from ledger import queries as ledger_queries
from ledger.models import Membership, Party, Unit
from members.audit import Event, audit_record
from members.decorators import member_required

from . import display, export, queries, services, votes, zones
from .charts import consumption_bars, consumption_svg
from .forms import (
    ContactChangeForm,
    DiscrepancyReportForm,
    LedgerFilterForm,
    MeterReadingForm,
    RepairReplyForm,
    RepairRequestForm,
)
from .qr import TransferData, qr_svg, recipient_for
from .statement_pdf import statement_pdf

NOTICES_ON_DASHBOARD = 5


def _party(request: HttpRequest):
    """The logged-in resident's party; staff accounts have none (404)."""
    party = request.user.party
    if party is None:
        raise Http404(_("This account is not linked to any unit."))
    return party


def _party_key(request: HttpRequest) -> Party | None:
    """The party as a key for queries, without loading it: the dashboard and
    the ledger page get the party's row with the units (``_keep_party``)."""
    user = request.user
    if "party" in user._state.fields_cache or user.party_id is None:
        return user.party
    return Party(pk=user.party_id)


def _party_ref(request: HttpRequest) -> Party:
    """As ``_party`` (404 for an account without one), without loading the
    row: for pages that only query by it (``_keep_party`` then hands over the
    row that the units query brings)."""
    party = _party_key(request)
    if party is None:
        raise Http404(_("This account is not linked to any unit."))
    return party


def _keep_party(request: HttpRequest, summaries) -> None:
    """Hand the party loaded with the units to the user object, so the page
    layout ("Logged in as …") needs no query of its own."""
    for summary in summaries:
        if summary.rights and summary.rights[0].party_id == request.user.party_id:
            request.user.party = summary.rights[0].party
            return


def _render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render an area page with what every page shows: the one-time notice of
    new rules (set at login) and today's date."""
    context.setdefault("today", timezone.localdate())
    context["rules_notice"] = request.session.pop(
        services.RULES_NOTICE_SESSION_KEY, None
    )
    return render(request, f"members/area/{template}", context)


def _by_unit(items, name: str, *, party, on) -> list[dict]:
    """``items`` (each with a ``unit_id``) grouped under the party's units on
    ``on``: ``[{"summary": …, name: [...]}]`` in the units' order."""
    return [
        {
            "summary": summary,
            name: [item for item in items if item.unit_id == summary.unit.pk],
        }
        for summary in ledger_queries.current_units(party=party, on=on)
    ]


def _zones(summaries):
    """Units grouped by zone of rules §III.2, cooperative stock first."""
    zones = []
    for zone, label in Unit.Zone.choices:
        units = [s for s in summaries if s.unit.zone == zone]
        if units:
            zones.append({"zone": zone, "label": label, "units": units})
    return zones


# --- Dashboard ------------------------------------------------------------------------


@member_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    party = _party_key(request)
    summaries = (
        ledger_queries.unit_summaries(party=party, on=today)
        if party is not None
        else []
    )
    _keep_party(request, summaries)
    party = request.user.party
    # Zones suspended or off (rules §III.3): their data is left out, and the
    # messages of the suspended ones are shown instead.
    statuses = zones.zone_statuses()
    withheld = zones.unavailable_unit_zones(statuses)
    shown = [s for s in summaries if s.unit.zone not in withheld]
    held_zones = {s.unit.zone for s in summaries}
    return _render(
        request,
        "dashboard.html",
        {
            "today": today,
            "party": party,
            "zones": _zones(shown),
            "summaries": shown,
            "units_withheld": len(shown) < len(summaries),
            "zone_notices": [
                status
                for status in statuses.values()
                if status.suspended
                and (
                    status.zone.unit_zone is None or status.zone.unit_zone in held_zones
                )
            ],
            "zone_on": {key: status.on for key, status in statuses.items()},
            "votes_awaiting": (
                votes.votes_awaiting(
                    party=party,
                    owned=votes.owned_from_summaries(summaries, on=today),
                )
                if party is not None and statuses["votes"].on
                else []
            ),
            "last_import_at": ledger_queries.last_import_at(),
            "open_repairs": (
                queries.open_repairs_count(party=party)
                if party is not None and statuses["repairs"].on
                else None
            ),
            "unread_documents": (
                ledger_queries.unread_documents_count(party=party, on=today)
                if summaries and statuses["documents"].on
                else 0
            ),
            "notices": (
                cms_queries.cooperative_notices(
                    user=request.user, limit=NOTICES_ON_DASHBOARD
                )
                if statuses["notices"].on
                else []
            ),
            "community_notices": (
                cms_queries.community_notices(
                    user=request.user,
                    limit=NOTICES_ON_DASHBOARD,
                    communities=[
                        summary.community.pk
                        for summary in shown
                        if summary.community is not None
                    ],
                )
                if party is not None and statuses["community-notices"].on
                else []
            ),
        },
    )


# --- Ledger ---------------------------------------------------------------------------


def _ledger_page(request: HttpRequest, unit_id: int, *, paginate: bool = True):
    party = _party_key(request)
    if party is None:
        raise Http404
    today = timezone.localdate()
    summary = ledger_queries.unit_summary(party=party, unit_id=unit_id, on=today)
    _keep_party(request, [summary])
    form = LedgerFilterForm(
        request.GET or None,
        years=ledger_queries.ledger_years(summary, on=today),
        today=today,
    )
    date_from, date_to, kind, page = form.period()
    ledger = ledger_queries.unit_ledger(
        party=party,
        unit_id=unit_id,
        on=today,
        date_from=date_from,
        date_to=date_to,
        kind=kind,
        page=page,
        paginate=paginate,
        summary=summary,
    )
    return ledger, form


@member_required
def ledger_view(request: HttpRequest, unit_id: int) -> HttpResponse:
    ledger, form = _ledger_page(request, unit_id)
    query = request.GET.copy()
    query.pop("strona", None)
    chosen = form.cleaned_data if form.is_valid() else {}
    # The years offered depend on the unit's first day; the other choices are fixed.
    years = tuple(value for value, _label in form.fields["rok"].choices)
    selects = {
        name: display.cached_select_html(
            form[name], chosen.get(name), choices_key=years if name == "rok" else None
        )
        for name in ("rok", "miesiac", "rodzaj")
    }
    return _render(
        request,
        "ledger.html",
        {
            "ledger": ledger,
            "summary": ledger.summary,
            "unit": ledger.summary.unit,
            "breakdown": ledger.summary.breakdown,
            "statement_rows": display.statement_rows(ledger),
            "form": form,
            "selects": selects,
            "filter_query": query.urlencode(),
        },
    )


@member_required
def ledger_print_view(request: HttpRequest, unit_id: int) -> HttpResponse:
    ledger, form = _ledger_page(request, unit_id, paginate=False)
    return _render(
        request,
        "ledger_print.html",
        {
            "ledger": ledger,
            "summary": ledger.summary,
            "unit": ledger.summary.unit,
            "breakdown": ledger.summary.breakdown,
            "statement_rows": display.statement_rows(ledger),
            "form": form,
            "printed_at": timezone.localtime(),
        },
    )


@member_required
def ledger_pdf_view(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The statement of the chosen period as a PDF: the same access rules and
    filter as the ledger page, served privately (never stored by a cache)."""
    ledger, _form = _ledger_page(request, unit_id, paginate=False)
    unit = ledger.summary.unit
    links = get_site_links()
    content = statement_pdf(
        ledger,
        party=request.user.party,
        recipient=recipient_for(unit, links),
        manager=links.cooperative_name,
        printed_at=timezone.localtime(),
    )
    response = HttpResponse(content, content_type="application/pdf")
    filename = (
        f"wyciag-{unit.code}-{ledger.date_from:%Y%m%d}-{ledger.date_to:%Y%m%d}.pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store, max-age=0"
    return response


@member_required
def ledger_csv_view(request: HttpRequest, unit_id: int) -> HttpResponse:
    ledger, _form = _ledger_page(request, unit_id, paginate=False)
    unit = ledger.summary.unit
    response = HttpResponse(
        export.ledger_csv(ledger), content_type="text/csv; charset=utf-8"
    )
    filename = (
        f"kartoteka-{unit.code}-{ledger.date_from:%Y%m%d}-{ledger.date_to:%Y%m%d}.csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Discrepancy reports (§III.5) -----------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def report_create_view(request: HttpRequest, unit_id: int) -> HttpResponse:
    party = _party(request)
    summary = ledger_queries.unit_summary(
        party=party, unit_id=unit_id, on=timezone.localdate()
    )
    form = DiscrepancyReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.discrepancy_report_create(
                party=party,
                user=request.user,
                unit_id=summary.unit.pk,
                message=form.cleaned_data["message"],
                attachment=form.cleaned_data["attachment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your report has been sent to %(office)s. You will see the "
                    "answer here."
                )
                % {"office": summary.estate.office_name or summary.estate.name},
            )
            return redirect("members:report-detail", report_id=report.pk)
    return _render(
        request,
        "report_form.html",
        {"summary": summary, "unit": summary.unit, "form": form},
    )


@member_required
def reports_view(request: HttpRequest) -> HttpResponse:
    party = _party(request)
    return _render(
        request,
        "reports.html",
        {"reports": queries.reports_for_party(party=party)},
    )


@member_required
def report_detail_view(request: HttpRequest, report_id: int) -> HttpResponse:
    report = queries.report_for_party(party=_party(request), report_id=report_id)
    return _render(request, "report_detail.html", {"report": report})


@member_required
def report_attachment_view(request: HttpRequest, report_id: int) -> FileResponse:
    report = queries.report_for_party(party=_party(request), report_id=report_id)
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


# --- Repair requests (issue 17) ------------------------------------------------------


@member_required
def repairs_view(request: HttpRequest) -> HttpResponse:
    party = _party(request)
    return _render(
        request,
        "repairs.html",
        {"repairs": queries.repairs_for_party(party=party)},
    )


@member_required
@require_http_methods(["GET", "POST"])
def repair_create_view(request: HttpRequest) -> HttpResponse:
    party = _party(request)
    units = ledger_queries.current_units(party=party, on=timezone.localdate())
    form = RepairRequestForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            repair = services.repair_request_create(
                party=party,
                user=request.user,
                unit_id=data["unit"],
                place=data["place"],
                category=data["category"],
                description=data["description"],
                convenient_time=data["convenient_time"],
                photos=data["photos"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            estate = repair.unit.building.estate
            messages.success(
                request,
                _(
                    "Your request has been sent to %(office)s. You will see its "
                    "status and the office's replies here."
                )
                % {"office": estate.office_name or estate.name},
            )
            return redirect("members:repair-detail", request_id=repair.pk)
    return _render(request, "repair_form.html", {"form": form, "units": units})


@member_required
@require_http_methods(["GET", "POST"])
def repair_detail_view(request: HttpRequest, request_id: int) -> HttpResponse:
    party = _party(request)
    repair = queries.repair_for_party(party=party, request_id=request_id)
    form = RepairReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.repair_request_reply(
            request=repair, user=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Your message has been sent to the office."))
        return redirect("members:repair-detail", request_id=repair.pk)
    return _render(request, "repair_detail.html", {"repair": repair, "form": form})


@member_required
def repair_photo_view(
    request: HttpRequest, request_id: int, photo_id: int
) -> FileResponse:
    photo = queries.repair_photo_for_party(
        party=_party(request), request_id=request_id, photo_id=photo_id
    )
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type="image/jpeg")


# --- Personal documents (issue 18) ----------------------------------------------------


@member_required
def documents_view(request: HttpRequest) -> HttpResponse:
    """The resident's documents per unit they hold today, newest first."""
    party = _party_ref(request)
    today = timezone.localdate()
    documents = list(ledger_queries.documents_for_party(party=party, on=today))
    groups = _by_unit(documents, "documents", party=party, on=today)
    _keep_party(request, [group["summary"] for group in groups])
    return _render(
        request,
        "documents.html",
        {
            "groups": groups,
            "unread": sum(1 for document in documents if document.read_at is None),
        },
    )


@member_required
def document_download_view(request: HttpRequest, document_id: int) -> FileResponse:
    """The PDF, only while the resident holds the unit (404 otherwise),
    never cached; opening it marks it read."""
    party = _party(request)
    document = ledger_queries.document_for_party(
        party=party, document_id=document_id, on=timezone.localdate()
    )
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.document_opened(document, user=request.user, request=request)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store, max-age=0"
    return response


@member_required
@require_http_methods(["POST"])
def document_read_view(request: HttpRequest, document_id: int) -> HttpResponseRedirect:
    """Mark a document read without opening it (a paper copy came too)."""
    document = ledger_queries.document_for_party(
        party=_party(request), document_id=document_id, on=timezone.localdate()
    )
    if services.document_mark_read(document):
        messages.success(request, _("The document is marked as read."))
    return redirect("members:documents")


# --- Loans ----------------------------------------------------------------------------


@member_required
def loans_view(request: HttpRequest) -> HttpResponse:
    party = _party_ref(request)
    today = timezone.localdate()
    loans = list(ledger_queries.loans_for_units(party=party, on=today))
    for loan in loans:
        loan.arrears = ledger_queries.loan_arrears(loan)
    groups = _by_unit(loans, "loans", party=party, on=today)
    _keep_party(request, [group["summary"] for group in groups])
    return _render(request, "loans.html", {"groups": groups})


@member_required
def loan_detail_view(request: HttpRequest, loan_id: int) -> HttpResponse:
    party = _party(request)
    loan = ledger_queries.loan_for_party(
        party=party, loan_id=loan_id, on=timezone.localdate()
    )
    loan.arrears = ledger_queries.loan_arrears(loan)
    entries = ledger_queries.loan_entries_for_party(party=party, loan=loan).order_by(
        "date", "id"
    )
    return _render(request, "loan_detail.html", {"loan": loan, "entries": entries})


# --- Meters ---------------------------------------------------------------------------


@member_required
def meters_view(request: HttpRequest) -> HttpResponse:
    party = _party_ref(request)
    today = timezone.localdate()
    meters = list(ledger_queries.meters_for_units(party=party, on=today))
    groups = _by_unit(meters, "meters", party=party, on=today)
    _keep_party(request, [group["summary"] for group in groups])
    return _render(request, "meters.html", {"groups": groups})


@member_required
@require_http_methods(["GET", "POST"])
def meter_detail_view(request: HttpRequest, meter_id: int) -> HttpResponse:
    party = _party(request)
    today = timezone.localdate()
    meter = ledger_queries.meter_for_party(party=party, meter_id=meter_id, on=today)
    form = MeterReadingForm(request.POST or None)
    if request.method == "POST" and not meter.removed_on and form.is_valid():
        try:
            services.resident_meter_reading_submit(
                party=party,
                user=request.user,
                meter=meter,
                reading_date=form.cleaned_data["reading_date"],
                value=form.cleaned_data["value"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your reading has been recorded and is waiting for "
                    "the office to check it."
                ),
            )
            return redirect("members:meter-detail", meter_id=meter.pk)
    readings = list(ledger_queries.readings_for_party(party=party, meter=meter))
    bars = consumption_bars(readings)
    return _render(
        request,
        "meter_detail.html",
        {
            "meter": meter,
            "readings": readings,
            "readings_newest_first": list(reversed(readings)),
            "submitted": ledger_queries.submitted_readings_for_party(
                party=party, meter=meter
            ),
            "chart": consumption_svg(
                bars,
                unit_of_measure=meter.unit_of_measure,
                title=_("Consumption of %(meter)s") % {"meter": meter},
                chart_id=f"chart-{meter.pk}",
            ),
            "form": form,
        },
    )


# --- Membership, contact data ---------------------------------------------------------


@member_required
def membership_view(request: HttpRequest) -> HttpResponse:
    party = _party(request)
    memberships = list(ledger_queries.memberships_for_party(party=party))
    return _render(
        request,
        "membership.html",
        {
            "memberships": memberships,
            "active": [m for m in memberships if m.status == Membership.Status.ACTIVE],
            "units": ledger_queries.current_units(party=party, on=timezone.localdate()),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def contact_view(request: HttpRequest) -> HttpResponse:
    party = _party(request)
    form = ContactChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {
            key: value for key, value in form.cleaned_data.items() if key != "comment"
        }
        try:
            services.contact_change_request_create(
                party=party,
                user=request.user,
                comment=form.cleaned_data["comment"],
                **values,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your request has been sent. The office will confirm the change; "
                    "until then the data on file stay as they are."
                ),
            )
            return redirect("members:contact")
    units = ledger_queries.current_units(party=party, on=timezone.localdate())
    estates = []
    for summary in units:
        estate = summary.estate
        entry = next((e for e in estates if e["estate"].pk == estate.pk), None)
        if entry is None:
            entry = {"estate": estate, "units": []}
            estates.append(entry)
        entry["units"].append(summary.unit)
    return _render(
        request,
        "contact.html",
        {
            "party": party,
            "form": form,
            "requests": queries.contact_requests_for_party(party=party)[:10],
            "estates": estates,
        },
    )


# --- Payments -------------------------------------------------------------------------


@member_required
def payments_view(request: HttpRequest) -> HttpResponse:
    party = _party_ref(request)
    today = timezone.localdate()
    links = get_site_links()
    payments = []
    statuses = zones.zone_statuses()
    withheld = zones.unavailable_unit_zones(statuses)
    summaries = ledger_queries.unit_summaries(party=party, on=today)
    _keep_party(request, summaries)
    held_zones = {summary.unit.zone for summary in summaries}
    for summary in summaries:
        unit = summary.unit
        if unit.zone in withheld:
            continue
        amount = summary.balance.arrears
        recipient = recipient_for(unit, links)
        transfer = None
        qr = None
        if recipient.account:
            transfer = TransferData(
                nip=recipient.nip,
                account=recipient.account,
                amount=amount,
                recipient=recipient.name,
                title=_("Charges %(unit)s") % {"unit": unit},
            )
            try:
                qr = qr_svg(transfer.payload)
            except ValueError:
                transfer = None
        payments.append(
            {
                "summary": summary,
                "recipient": recipient,
                "amount": amount,
                "amount_text": f"{amount:.2f}".replace(".", ","),
                "transfer": transfer,
                "qr": qr,
            }
        )
    return _render(
        request,
        "payments.html",
        {
            "payments": payments,
            "zone_notices": [
                status
                for status in statuses.values()
                if status.suspended and status.zone.unit_zone in held_zones
            ],
        },
    )


# --- Notices --------------------------------------------------------------------------


@member_required
def notices_view(request: HttpRequest) -> HttpResponse:
    party = request.user.party
    return _render(
        request,
        "notices.html",
        {
            "notices": cms_queries.cooperative_notices(user=request.user, limit=50),
            "community_notices": (
                cms_queries.community_notices(user=request.user)
                if party is not None
                else []
            ),
        },
    )


@member_required
def notice_view(request: HttpRequest, notice_id: int) -> HttpResponseRedirect:
    """A notice by id: sent on to its page when the user may read it."""
    notice = cms_queries.notice_for_user(user=request.user, notice_id=notice_id)
    return redirect(notice.get_url(request))


# --- My data (RODO) -------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def my_data_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request, "my_data.html", {})
    # The download is recorded first, so the archive lists it too.
    audit_record(
        actor=request.user,
        event=Event.DATA_EXPORT,
        target=request.user,
        request=request,
        scope="own_data",
    )
    archive = export.my_data_archive(user=request.user)
    response = HttpResponse(archive, content_type="application/zip")
    filename = f"moje-dane-iok-{timezone.localdate():%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
