"""The board's screen in the Wagtail admin: withdraw a wrongly published
version of the rules or the privacy clause, with a reason (issue 12, item 7).
The rule lives in ``cms.workflow.board_page_withdraw_version``."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wagtail.admin import messages
from wagtail.models import Page, PageLogEntry

from cms.queries import PUBLISH_ACTIONS, board_page_publications
from cms.workflow import (
    VERSION_WITHDRAWN,
    WithdrawalError,
    board_page_withdraw_version,
    is_board_page,
    user_is_board,
)


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw_version_view(request: HttpRequest, page_id: int) -> HttpResponse:
    if not user_is_board(request.user):
        raise PermissionDenied
    page = get_object_or_404(Page, pk=page_id).specific
    if not is_board_page(page):
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            revision_id = int(request.POST.get("revision", ""))
        except ValueError:
            revision_id = 0
        try:
            board_page_withdraw_version(
                page=page,
                revision_id=revision_id,
                user=request.user,
                reason=request.POST.get("reason", ""),
            )
        except WithdrawalError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("The version was withdrawn; the reason is kept in the page history."),
            )
            return redirect("wagtailadmin_pages:history", page.pk)
    standing = {entry.revision_id for entry in board_page_publications(page)}
    withdrawn = set(
        PageLogEntry.objects.filter(
            page_id=page.pk, action=VERSION_WITHDRAWN
        ).values_list("revision_id", flat=True)
    )
    publications = (
        PageLogEntry.objects.filter(
            page_id=page.pk, action__in=PUBLISH_ACTIONS, revision__isnull=False
        )
        .exclude(revision_id__in=withdrawn)
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )
    rows, seen = [], set()
    for entry in publications:
        if entry.revision_id in seen:
            continue
        seen.add(entry.revision_id)
        rows.append(
            {
                "entry": entry,
                "standing": entry.revision_id in standing,
                "live": entry.revision_id == page.live_revision_id,
            }
        )
    return TemplateResponse(
        request,
        "cms/admin/withdraw_version.html",
        {"page": page, "rows": rows, "error": error},
        status=400 if error else 200,
    )
