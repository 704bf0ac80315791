"""Personal documents (issue 18): the rules every way of adding one shares.

The ``documents`` import (ledger.imports.bundles) and the office's upload in
the admin (ledger.modeladmin) both check a document here, so they accept and
refuse the same files with the same words:

- the file is a PDF by content (``%PDF-`` at the start, and pypdf opens it),
  at most ``MAX_DOCUMENT_BYTES``;
- the party holds a right to the unit on the document's date (a letter about
  a unit goes to who held it then; a document dated before the right began or
  after it ended is refused as addressed to the wrong person);
- the same PDF (by SHA-256) is not given twice to the same party and unit.

Who may read a document is ``ledger.queries.documents``; after a document is
added, ``announce`` sends ``ledger.signals.personal_documents_added`` once the
transaction commits (the notifications e-mail residents from it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from ledger.models import Party, PersonalDocument, Unit
from ledger.queries.base import RightWindow, covers, party_windows
from ledger.signals import personal_documents_added

logger = logging.getLogger("ledger.documents")

#: The largest document accepted (a letter of a few pages is far smaller).
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def pdf_problem(content: bytes) -> str | None:
    """Why ``content`` is not an acceptable PDF, or None."""
    if not content:
        return _("the file is empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        return _("the file is larger than %(size)d MB") % {
            "size": MAX_DOCUMENT_BYTES // 2**20
        }
    if not content.startswith(PDF_MAGIC):
        return _("the file is not a PDF (it does not begin with %PDF-)")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return _("the PDF is encrypted; residents could not open it")
        if len(reader.pages) < 1:
            return _("the PDF has no pages")
    except (PyPdfError, ValueError, TypeError, KeyError, OSError, RecursionError):
        return _("the file is not a readable PDF")
    return None


def right_problem(windows: Sequence[RightWindow], day: dt.date) -> str | None:
    """Why a document dated ``day`` cannot be addressed to a party whose rights
    to the unit are ``windows``, or None."""
    if not windows:
        return _("the party holds no right to this unit")
    if not covers(tuple(windows), day):
        return _("the party holds no right to this unit on %(date)s") % {
            "date": day.isoformat()
        }
    return None


def download_name(document: PersonalDocument) -> str:
    """``2026-03-01 Zawiadomienie_o_zmianie_opłat.pdf``: the date and the
    title, with only letters (Polish ones kept), digits, ``-``, ``_`` and
    ``.``; FileResponse encodes it for the header (RFC 6266)."""
    title = get_valid_filename(document.title.strip() or document.get_kind_display())
    title = title.replace("..", "_")[:80] or "dokument"
    return f"{document.date:%Y-%m-%d}_{title}.pdf"


def announce(document_ids: Iterable[int]) -> None:
    """Send ``personal_documents_added`` with these ids after the commit."""
    ids = sorted(document_ids)
    if not ids:
        return

    def send():
        for receiver, response in personal_documents_added.send_robust(
            sender=PersonalDocument, document_ids=ids
        ):
            if isinstance(response, Exception):
                logger.error(
                    "personal_documents_added receiver %r failed",
                    receiver,
                    exc_info=(type(response), response, response.__traceback__),
                )

    transaction.on_commit(send)


def office_external_id() -> str:
    """The key of a document the office uploads (the accounting system's keys
    never start with ``office-``)."""
    import uuid

    return f"office-{uuid.uuid4().hex}"


@transaction.atomic
def add_document(
    *,
    party: Party,
    unit: Unit,
    kind: str,
    date: dt.date,
    title: str,
    content: bytes,
    external_id: str | None = None,
    notify: bool = True,
) -> PersonalDocument:
    """Add one document (the office's upload): the same checks as the import;
    ``ValidationError`` (field: message) if any fails. ``notify=False`` (the
    demo data only) leaves out the ``personal_documents_added`` signal."""
    errors = {}
    if problem := pdf_problem(content):
        errors["file"] = problem
    if problem := right_problem(party_windows(party=party).get(unit.pk, ()), date):
        errors["unit"] = problem
    digest = checksum(content)
    if PersonalDocument.objects.filter(
        party=party, unit=unit, checksum=digest
    ).exists():
        errors["file"] = _("this PDF was already given to this party for this unit")
    if errors:
        raise ValidationError(errors)
    document = PersonalDocument(
        external_id=external_id or office_external_id(),
        party=party,
        unit=unit,
        kind=kind,
        date=date,
        title=title.strip(),
        checksum=digest,
    )
    document.file.save("document.pdf", ContentFile(content), save=False)
    try:
        document.full_clean(exclude=["file"])
        document.save()
    except BaseException:
        document.file.delete(save=False)
        raise
    if notify:
        announce([document.pk])
    return document


def mark_read(document: PersonalDocument) -> bool:
    """Mark the document read by its resident (the first time only); whether
    this call marked it."""
    if document.read_at is not None:
        return False
    now = timezone.now()
    marked = PersonalDocument.objects.filter(
        pk=document.pk, read_at__isnull=True
    ).update(read_at=now)
    if marked:
        document.read_at = now
    return bool(marked)
