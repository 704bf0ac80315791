"""Batches of files with a manifest: the ``documents`` import (issue 18).

A batch is a ZIP file (or, for ``import_data``, a folder) holding
``manifest.csv`` and the PDF files it names. The manifest is an ordinary
import table (docs/import-formats.md, ``documents``): the one writer stages and
checks its rows like any other kind (keys, unknown parties and units), and
this module adds what only a batch can check, row by row, naming the
manifest line: the file exists in the batch, is a PDF by content
(``ledger.documents.pdf_problem``), the party holds a right to the unit on
the document's date (``ledger.documents.right_problem``), and it is no
duplicate (same key, or the same PDF for the same party and unit, in the
batch or already in the portal).

Only once every row passed, and not in a dry run, are the files copied into
private storage under random names (``store``), inside the import's
transaction; the new documents are announced after the commit.

The archive is checked before anything is read: names with ``..``, absolute
names or drive letters, more than ``MAX_ENTRIES`` entries or more than
``MAX_TOTAL_BYTES`` uncompressed refuse the whole batch (a ZIP bomb or a path
traversal attempt); nothing is ever extracted to disk under a name from the
archive.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import tempfile
import uuid
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger import documents
from ledger.models import Party, PersonalDocument, Unit, UnitRight
from ledger.queries.base import RightWindow
from ledger.storage import private_storage

from .parsing import FileRejected, ProblemLog
from .specs import KindSpec, RowErrors

logger = logging.getLogger("ledger.imports")

MANIFEST = "manifest.csv"
#: What reading a damaged or encrypted entry raises.
UNREADABLE = (RuntimeError, zipfile.BadZipFile, zlib.error, EOFError, OSError)
#: At most this many entries in a batch (files and folders).
MAX_ENTRIES = 20_000
#: At most this many bytes in all files of a batch, uncompressed.
MAX_TOTAL_BYTES = 2 * 1024**3


def unsafe_name(name: str) -> bool:
    """A name that could point outside the batch: absolute, with a drive
    letter or backslashes, with ``..``, or with a NUL."""
    if not name or "\x00" in name or "\\" in name:
        return True
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return True
    return any(part == ".." for part in PurePosixPath(name).parts)


def bundle_checksum(path: Path) -> str:
    """The SHA-256 that makes a batch "already imported": of the ZIP file, or
    of a folder's files (names and contents, in name order)."""
    path = Path(path)
    if not path.is_dir():
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(file.relative_to(path).as_posix().encode() + b"\x00")
        with file.open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


class Bundle:
    """An open batch: its manifest as a temporary file, its files by name."""

    def __init__(self, path: Path, file_name: str, log: ProblemLog, spec: KindSpec):
        self.path = Path(path)
        self.log = log
        self.names: set[str] = set()
        self.zip: zipfile.ZipFile | None = None
        self.pending: list[tuple[str, str]] = []  # (storage name, batch name)
        self.seen: dict[tuple[str, str, str], int] = {}
        self.now = timezone.now()
        log.file = f"{file_name}/{MANIFEST}"
        self._open()
        # Loaded now, not in the first row: on PostgreSQL the rows are checked
        # while COPY streams them on the connection, which can then run no
        # other query. A document another import adds meanwhile is still
        # refused, by the table's unique constraints.
        try:
            self._load()
        except BaseException:
            self.close()
            raise
        self.spec = dataclasses.replace(spec, prepare=self.prepare)

    # -- opening -------------------------------------------------------------------

    def _reject(self, message: str):
        self.log.error(0, None, message)
        raise FileRejected

    def _open(self) -> None:
        if self.path.is_dir():
            root = self.path.resolve()
            for file in root.rglob("*"):
                if file.is_file():
                    self.names.add(file.relative_to(root).as_posix())
            self.root = root
        elif zipfile.is_zipfile(self.path):
            self.zip = zipfile.ZipFile(self.path)
            self._check_zip()
        else:
            self._reject(
                _("a documents batch is a ZIP file (or a folder) with %(manifest)s")
                % {"manifest": MANIFEST}
            )
        if MANIFEST not in self.names:
            self.close()
            self._reject(
                _("the batch has no %(manifest)s at its top level")
                % {"manifest": MANIFEST}
            )
        try:
            content = self._read(MANIFEST, limit=512 * 1024 * 1024)
        except UNREADABLE:
            self.close()
            self._reject(
                _("%(name)s cannot be read from the batch (damaged or encrypted)")
                % {"name": MANIFEST}
            )
        fd, manifest = tempfile.mkstemp(prefix="iok-manifest-", suffix=".csv")
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        self.manifest = Path(manifest)

    def _check_zip(self) -> None:
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            self.close()
            self._reject(
                _("the batch has more than %(count)d entries") % {"count": MAX_ENTRIES}
            )
        total = 0
        bad = []
        for info in infos:
            if unsafe_name(info.filename):
                bad.append(info.filename)
                continue
            total += info.file_size
            if not info.is_dir():
                self.names.add(info.filename)
        if bad:
            self.close()
            self._reject(
                _(
                    "the batch has entries whose names point outside it (.., an "
                    "absolute path or a drive): %(names)s; nothing was imported"
                )
                % {"names": ", ".join(repr(name) for name in bad[:5])}
            )
        if total > MAX_TOTAL_BYTES:
            self.close()
            self._reject(
                _("the batch unpacks to more than %(size)d MB; split it")
                % {"size": MAX_TOTAL_BYTES // 2**20}
            )

    def _read(self, name: str, *, limit: int) -> bytes:
        """The file's bytes, reading at most ``limit + 1`` of them (a ZIP entry
        may claim a smaller size than it unpacks to)."""
        if self.zip is not None:
            with self.zip.open(name) as handle:
                return handle.read(limit + 1)
        file = (self.root / name).resolve()
        if not file.is_relative_to(self.root) or not file.is_file():
            raise FileNotFoundError(name)
        with file.open("rb") as handle:
            return handle.read(limit + 1)

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()
            self.zip = None
        manifest = getattr(self, "manifest", None)
        if manifest is not None:
            manifest.unlink(missing_ok=True)
            self.manifest = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- rows ----------------------------------------------------------------------

    def _load(self) -> None:
        """What the rows are checked against."""
        self.parties = set(Party.objects.values_list("number", flat=True))
        self.units = set(Unit.objects.values_list("code", flat=True))
        self.rights: dict[tuple[str, str], list[RightWindow]] = {}
        for party, unit, valid_from, valid_to in UnitRight.objects.values_list(
            "party__number", "unit__code", "valid_from", "valid_to"
        ):
            self.rights.setdefault((party, unit), []).append(
                RightWindow(valid_from, valid_to)
            )
        self.existing_ids = set(
            PersonalDocument.objects.values_list("external_id", flat=True)
        )
        self.existing = set(
            PersonalDocument.objects.values_list(
                "party__number", "unit__code", "checksum"
            )
        )

    def prepare(self, values: tuple, errors: RowErrors) -> tuple | None:
        external_id, party, unit, kind, day, title, name = values
        if external_id in self.existing_ids:
            errors(
                "external_id",
                _(
                    "a document with the key %(key)s is already in the portal; "
                    "documents are never replaced, send a correction as a new "
                    "document"
                )
                % {"key": external_id},
            )
            return None
        name = name.strip()
        if name.startswith("./"):
            name = name[2:]
        if unsafe_name(name):
            errors("file", _("%(name)r points outside the batch") % {"name": name})
            return None
        if name not in self.names:
            errors("file", _("there is no file %(name)s in the batch") % {"name": name})
            return None
        try:
            content = self._read(name, limit=documents.MAX_DOCUMENT_BYTES)
        except UNREADABLE:
            errors(
                "file",
                _("%(name)s cannot be read from the batch (damaged or encrypted)")
                % {"name": name},
            )
            return None
        if problem := documents.pdf_problem(content):
            errors("file", f"{name}: {problem}")
            return None
        if party in self.parties and unit in self.units:
            # Unknown ones are reported by the writer ("there is no party …").
            problem = documents.right_problem(self.rights.get((party, unit), ()), day)
            if problem:
                errors("unit", problem)
                return None
        digest = documents.checksum(content)
        if (party, unit, digest) in self.existing:
            errors(
                "file",
                _("%(name)s: this PDF is already in the portal for this party and unit")
                % {"name": name},
            )
            return None
        first = self.seen.setdefault((party, unit, digest), errors.line)
        if first != errors.line:
            errors(
                "file",
                _(
                    "%(name)s: the same PDF for the same party and unit as on "
                    "line %(line)d"
                )
                % {"name": name, "line": first},
            )
            return None
        stored = f"documents/{self.now:%Y/%m}/{uuid.uuid4().hex}.pdf"
        self.pending.append((stored, name))
        return (external_id, party, unit, kind, day, title, stored, digest)

    # -- after the checks ----------------------------------------------------------

    def store(self) -> list[int]:
        """Copy the accepted files into private storage (within the import's
        transaction) and announce the new documents after the commit; returns
        their ids. A failed copy removes the copies made and re-raises, so the
        import rolls back with nothing left behind."""
        storage = private_storage()
        saved = []
        try:
            for stored, name in self.pending:
                content = self._read(name, limit=documents.MAX_DOCUMENT_BYTES)
                actual = storage.save(stored, ContentFile(content))
                saved.append(actual)
                if actual != stored:
                    raise OSError(f"the storage renamed {stored} to {actual}")
        except BaseException:
            for actual in saved:
                try:
                    storage.delete(actual)
                except OSError:
                    logger.warning("could not remove %s", actual)
            raise
        ids = list(
            PersonalDocument.objects.filter(
                file__in=[stored for stored, _name in self.pending]
            ).values_list("pk", flat=True)
        )
        documents.announce(ids)
        return ids


def open_bundle(path: Path, file_name: str, log: ProblemLog, spec: KindSpec) -> Bundle:
    return Bundle(path, file_name, log, spec)
