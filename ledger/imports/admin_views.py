"""The accountant's import screen in the Wagtail admin (Records → Data import).

Upload a file and choose its kind → a dry run (in the background) shows what the
import would insert, update and remove, and every error → confirm → the import
runs in the background while its page shows the progress. The views only
authorise, store the upload and enqueue tasks; ledger.imports.services does the
work.
"""

import datetime as dt
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ledger.models import DataImport
from ledger.roles import ACCOUNTANTS
from ledger.tasks import run_import

from .forms import UploadForm
from .liveness import mark_interrupted
from .services import previous_import
from .specs import KINDS
from .storage import store_upload
from .writers import CHANGES_CAP

logger = logging.getLogger("ledger.imports")

# Uploads waiting for their confirmation, per session: {dry-run id: options}.
PENDING = "ledger_imports_pending"
RECENT = 20


def can_import(user) -> bool:
    """Accountants run imports: the ``ledger.add_dataimport`` permission, or
    membership of the accountants' group."""
    if not (user.is_authenticated and user.is_active):
        return False
    return (
        user.is_superuser
        or user.has_perm("ledger.add_dataimport")
        or user.groups.filter(name=ACCOUNTANTS).exists()
    )


def _authorise(request) -> None:
    if not can_import(request.user):
        raise PermissionDenied


def _enqueue(data_import: DataImport, options: dict, *, dry_run: bool) -> None:
    result = run_import.enqueue(
        data_import_id=data_import.pk, dry_run=dry_run, **options
    )
    DataImport.objects.filter(pk=data_import.pk).update(task_id=str(result.id))


@never_cache
def upload(request):
    _authorise(request)
    mark_interrupted()
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spec = KINDS[data["kind"]]
        stored_name, checksum = store_upload(data["file"])
        dry_run = DataImport.objects.create(
            kind=spec.data_kind,
            file_kind=spec.name,
            source=data["source"],
            file_name=data["file"].name[:255],
            checksum=checksum,
            status=DataImport.Status.PENDING,
            started_by=request.user,
        )
        options = {
            "kind": spec.name,
            "stored_name": stored_name,
            "source": data["source"],
            "replace": str(data["replace_period"]) if data["replace_period"] else None,
            "encoding": data["encoding"] or None,
        }
        pending = request.session.get(PENDING, {})
        pending[str(dry_run.pk)] = options
        request.session[PENDING] = pending
        logger.info(
            "import upload by %s: %s as %s (%s), dry run #%s",
            request.user.get_username(),
            dry_run.file_name,
            spec.name,
            stored_name,
            dry_run.pk,
        )
        _enqueue(dry_run, options, dry_run=True)
        return redirect("ledger_imports:status", pk=dry_run.pk)
    return render(
        request,
        "ledger/imports/upload.html",
        {
            "form": form,
            "recent": DataImport.objects.select_related("started_by").order_by(
                "-created_at"
            )[:RECENT],
        },
    )


@never_cache
def status(request, pk: int):
    _authorise(request)
    mark_interrupted()
    data_import = get_object_or_404(DataImport, pk=pk)
    problems = data_import.errors or []
    errors = [p for p in problems if not p.get("warning")]
    warnings = [p for p in problems if p.get("warning")]
    running = data_import.status in (
        DataImport.Status.PENDING,
        DataImport.Status.RUNNING,
    )
    pending = request.session.get(PENDING, {}).get(str(pk))
    previous = None
    if pending is not None:
        previous = previous_import(
            KINDS[pending["kind"]],
            data_import.checksum,
            source=pending["source"],
            replace=pending["replace"],
            encoding=pending["encoding"],
        )
    can_confirm = (
        pending is not None
        and data_import.status == DataImport.Status.DRY_RUN
        and not errors
        and previous is None
    )
    # A queued run that no worker has started for a long time: say so, and
    # stop refreshing the page (it would refresh for ever).
    waiting_too_long = (
        data_import.status == DataImport.Status.PENDING
        and data_import.started_at is None
        and timezone.now() - data_import.created_at
        > dt.timedelta(minutes=settings.IOK_IMPORT_STALE_MINUTES)
    )
    percent = None
    if data_import.rows_total and running:
        percent = min(100, 100 * data_import.progress // data_import.rows_total)
    return render(
        request,
        "ledger/imports/status.html",
        {
            "data_import": data_import,
            "errors": errors,
            "warnings": warnings,
            "running": running and not waiting_too_long,
            "waiting_too_long": waiting_too_long,
            "stale_minutes": settings.IOK_IMPORT_STALE_MINUTES,
            "changes": data_import.changes or [],
            "changes_cap": CHANGES_CAP,
            "percent": percent,
            "can_confirm": can_confirm,
            "previous": previous,
            "options": pending,
            "kind_label": KINDS[pending["kind"]].label if pending else None,
        },
    )


@require_POST
def confirm(request, pk: int):
    _authorise(request)
    dry_run = get_object_or_404(DataImport, pk=pk, status=DataImport.Status.DRY_RUN)
    pending = request.session.get(PENDING, {})
    options = pending.pop(str(pk), None)
    if options is None:
        messages.error(request, _("This upload has already been confirmed or expired."))
        return redirect("ledger_imports:upload")
    request.session[PENDING] = pending
    run = DataImport.objects.create(
        kind=dry_run.kind,
        file_kind=dry_run.file_kind,
        source=dry_run.source,
        file_name=dry_run.file_name,
        checksum=dry_run.checksum,
        status=DataImport.Status.PENDING,
        rows_total=dry_run.rows_total,
        started_by=request.user,
    )
    logger.info(
        "import confirmed by %s: %s (dry run #%s, run #%s)",
        request.user.get_username(),
        dry_run.file_name,
        dry_run.pk,
        run.pk,
    )
    _enqueue(run, options, dry_run=False)
    return redirect("ledger_imports:status", pk=run.pk)
