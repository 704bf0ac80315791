"""Running an import: one file, one transaction, all or nothing.

``data_import_run`` reads the file row by row, checks every row, stages the good
ones (COPY on PostgreSQL, batches elsewhere), checks keys across the whole file,
and only when nothing at all is wrong writes the changes. Any error rolls the
whole run back; the errors (up to a cap, all counted) are kept on a DataImport
row that is written outside the rolled-back transaction, so a failed run leaves a
trace and nothing else.

Call it outside any transaction: it manages its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.formatting import format_date
from ledger.models import DataImport
from ledger.queries.balances import LAST_IMPORT_CACHE
from ledger.signals import import_finished

from . import liveness, specs
from .parsing import (
    DEFAULT_ERROR_CAP,
    FileInfo,
    FileRejected,
    Problem,
    ProblemLog,
    normalise_encoding,
    open_table,
)
from .specs import KindSpec, RowErrors
from .writers import WriteContext, Writer

logger = logging.getLogger("ledger.imports")

PROGRESS_EVERY = 10_000  # rows between progress reports
PROGRESS_SECONDS = 1.0  # at most one progress write to the database a second


@dataclass(frozen=True)
class Period:
    """The range a full export covers: ``2026-01..2026-11`` (months) or
    ``2026-01-01..2026-03-31`` (days); ``auto`` takes it from the file."""

    first: dt.date | None
    last: dt.date | None

    @property
    def auto(self) -> bool:
        return self.first is None

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip()
        if text.lower() == "auto":
            return cls(None, None)
        start, sep, end = text.partition("..")
        if not sep:
            start = end = text
        first = _period_bound(start.strip(), last=False)
        last = _period_bound(end.strip(), last=True)
        if last < first:
            raise ValueError(_("the range ends before it starts"))
        return cls(first, last)

    def __str__(self) -> str:
        if self.auto:
            return "auto"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"


def _period_bound(text: str, *, last: bool) -> dt.date:
    if re.fullmatch(r"\d{4}-\d{2}", text):
        year, month = map(int, text.split("-"))
        if last:
            month += 1
            if month == 13:
                year, month = year + 1, 1
            return dt.date(year, month, 1) - dt.timedelta(days=1)
        return dt.date(year, month, 1)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    raise ValueError(
        _("%(value)r is not a month (YYYY-MM) or a day (YYYY-MM-DD)") % {"value": text}
    )


@dataclass
class ImportResult:
    """What a run did, or would have done (dry run), or why it did nothing."""

    kind: str
    file_name: str
    checksum: str = ""
    status: str = DataImport.Status.FAILED
    dry_run: bool = False
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    errors: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    data_import_id: int | None = None
    already_imported: DataImport | None = None
    replace: Period | None = None
    info: FileInfo | None = None
    engine: str = ""
    #: A dry run's records: added, changed (field: old -> new), removed.
    changes: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def summary(self) -> str:
        return (
            f"inserted={self.inserted} updated={self.updated} "
            f"unchanged={self.unchanged} removed={self.removed} "
            f"in {self.seconds:.2f} s"
        )


class _Rejected(Exception):
    """The file has errors: roll everything back."""


class _DryRun(Exception):
    """The run went through; undo it, because it was only a preview."""


class _AlreadyImported(Exception):
    """Another run imported this very file while this one waited for the lock."""

    def __init__(self, prior: DataImport):
        super().__init__(prior.pk)
        self.prior = prior


def file_checksum(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass(frozen=True)
class Identity:
    """Everything that changes what importing a file does: two runs with the
    same identity give the same result, so the second is "already imported"."""

    file_kind: str
    source: str
    replace_range: str
    encoding: str
    checksum: str

    @classmethod
    def of(
        cls,
        spec: KindSpec,
        checksum: str,
        *,
        source: str = "fk",
        replace: Period | str | None = None,
        encoding: str | None = None,
    ) -> Identity:
        return cls(
            file_kind=spec.name,
            source=source,
            replace_range="" if replace is None else str(replace),
            encoding=normalise_encoding(encoding) if encoding else "",
            checksum=checksum,
        )

    def stamp(self, data_import: DataImport) -> None:
        data_import.file_kind = self.file_kind
        data_import.source = self.source
        data_import.replace_range = self.replace_range
        data_import.encoding = self.encoding
        data_import.checksum = self.checksum


def last_import(spec: KindSpec, source: str = "fk") -> DataImport | None:
    """The latest successful import of this kind of file from this source."""
    return (
        DataImport.objects.filter(
            file_kind=spec.name, source=source, status=DataImport.Status.SUCCEEDED
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def previous_import(
    spec: KindSpec,
    checksum: str,
    *,
    source: str = "fk",
    replace: Period | str | None = None,
    encoding: str | None = None,
) -> DataImport | None:
    """The latest successful import of this kind and source, if it was this
    very run again: the same file (checksum), replaced range and encoding.

    Only the latest counts: after A, a corrected A' and then A again, the third
    run must restore A's values, so it cannot be skipped as "already imported"."""
    identity = Identity.of(
        spec, checksum, source=source, replace=replace, encoding=encoding
    )
    latest = last_import(spec, source)
    if latest is None:
        return None
    same = (
        latest.checksum == identity.checksum
        and latest.replace_range == identity.replace_range
        and latest.encoding == identity.encoding
    )
    return latest if same else None


def choose_writer(engine: str | None) -> type[Writer]:
    if engine is None:
        engine = "copy" if connection.vendor == "postgresql" else "batched"
    if engine == "copy":
        from .pg import CopyWriter

        if connection.vendor != "postgresql":
            raise ValueError("the COPY path needs PostgreSQL")
        return CopyWriter
    if engine == "batched":
        from .batched import BatchedWriter

        return BatchedWriter
    raise ValueError(f"unknown engine {engine!r}")


class ProgressRecorder:
    """Writes DataImport status and progress while the import transaction is
    still open.

    The import's own transaction would hide them until the end, so on
    PostgreSQL a second, autocommit connection writes "running" once the run
    holds its liveness lock, then the progress (at most once a second), each
    with ``updated_at`` as a heartbeat. Elsewhere progress is reported only to
    the caller's callback.
    """

    def __init__(
        self,
        data_import_id: int | None,
        callback: Callable | None,
        *,
        every: int = PROGRESS_EVERY,
        seconds: float = PROGRESS_SECONDS,
    ):
        self.data_import_id = data_import_id
        self.callback = callback
        self.every = every
        self.seconds = seconds
        self.side = None
        self.enabled = data_import_id is not None and connection.vendor == "postgresql"
        self.last = time.monotonic()

    def _side_execute(self, sql: str, params: list, lock_timeout: str) -> None:
        if self.side is None:
            self.side = connections.create_connection("default")
        with self.side.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{lock_timeout}'")
            cursor.execute(sql, params)

    def running(self, started_at: dt.datetime) -> None:
        """Show the run as "running", once it holds its liveness lock
        (ledger.imports.liveness): a "running" row without a lock is a dead run."""
        if not self.enabled:
            return
        try:
            self._side_execute(
                "UPDATE ledger_dataimport SET status = %s, started_at = %s, "
                "updated_at = %s WHERE id = %s",
                [
                    DataImport.Status.RUNNING,
                    started_at,
                    timezone.now(),
                    self.data_import_id,
                ],
                "5s",
            )
        except DatabaseError:  # the outcome is still recorded at the end
            logger.warning("could not mark import as running", exc_info=True)

    def __call__(self, rows: int, bytes_read: int, total_bytes: int) -> None:
        if self.callback is not None:
            self.callback(rows, bytes_read, total_bytes)
        now = time.monotonic()
        if not self.enabled or now - self.last < self.seconds:
            return
        self.last = now
        try:
            # The progress is also the run's heartbeat (updated_at).
            self._side_execute(
                "UPDATE ledger_dataimport SET progress = %s, updated_at = %s "
                "WHERE id = %s",
                [rows, timezone.now(), self.data_import_id],
                "200ms",
            )
        except DatabaseError:  # progress is a courtesy, never a reason to fail
            logger.warning("could not record import progress", exc_info=True)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def data_import_run(
    *,
    kind: str,
    path: Path | str,
    file_name: str | None = None,
    source: str = "fk",
    dry_run: bool = False,
    replace: Period | None = None,
    user: Any = None,
    encoding: str | None = None,
    engine: str | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    data_import: DataImport | None = None,
    error_cap: int = DEFAULT_ERROR_CAP,
    progress_every: int = PROGRESS_EVERY,
    progress_seconds: float = PROGRESS_SECONDS,
) -> ImportResult:
    """Import one file of ``kind`` (see ledger.imports.specs.KINDS).

    Records a DataImport row for every run that reads the file: ``succeeded``,
    ``failed`` (with its errors) or ``dry_run``. A file whose identical copy was
    imported successfully before is not read again: the result says so
    (``already_imported``) and nothing is recorded, since nothing can change.
    Progress is reported every ``progress_every`` rows, and written to the
    DataImport row at most once in ``progress_seconds``.
    """
    spec = specs.get_kind(kind)
    path = Path(path)
    file_name = file_name or path.name
    if replace is not None and spec.replace is None:
        raise ValueError(
            _("%(kind)s files do not replace a period") % {"kind": spec.name}
        )
    if encoding:
        encoding = normalise_encoding(encoding)  # UnknownEncoding up front
    started = time.monotonic()
    result = ImportResult(
        kind=kind, file_name=file_name, dry_run=dry_run, replace=replace
    )
    if spec.bundle:
        from .bundles import bundle_checksum

        result.checksum = checksum = bundle_checksum(path)
    else:
        result.checksum = checksum = file_checksum(path)
    writer_class = choose_writer(engine)
    result.engine = writer_class.__name__

    identity = Identity.of(
        spec, checksum, source=source, replace=replace, encoding=encoding
    )
    prior = previous_import(
        spec, checksum, source=source, replace=replace, encoding=encoding
    )
    if prior is not None:
        _already_imported(result, prior, data_import, dry_run, started)
        _announce(result, data_import, user, source)
        return result

    # Runs that died before (killed, out of memory) are marked "interrupted".
    liveness.mark_interrupted()
    now = timezone.now()
    if data_import is None:
        data_import = DataImport(kind=spec.data_kind, file_name=file_name[:255])
    data_import.kind = spec.data_kind
    identity.stamp(data_import)
    # With liveness locks the row turns "running" only once the lock is held.
    data_import.status = (
        DataImport.Status.PENDING
        if liveness.holds_locks()
        else DataImport.Status.RUNNING
    )
    data_import.started_at = now
    if user is not None and user.is_authenticated:
        data_import.started_by = user
    data_import.progress = 0
    data_import.save()
    result.data_import_id = data_import.pk

    log = ProblemLog(file=file_name, cap=error_cap)
    recorder = ProgressRecorder(
        data_import.pk, progress, every=progress_every, seconds=progress_seconds
    )
    last = last_import(spec, source)
    try:
        with transaction.atomic():
            liveness.hold(data_import.pk)
            recorder.running(now)
            _run(
                spec,
                path,
                file_name,
                source,
                replace,
                encoding,
                writer_class,
                log,
                recorder,
                now,
                result,
                identity=identity,
                preview=dry_run,
                last_import_at=last.finished_at if last else None,
            )
            if dry_run:
                raise _DryRun
            _finish(data_import, result, log, started, DataImport.Status.SUCCEEDED)
        # The commit is part of the run: the duration and the "data as of"
        # time (finished_at) are taken once the data is visible.
        _committed(data_import, result, started)
    except _DryRun:
        _finish(data_import, result, log, started, DataImport.Status.DRY_RUN)
    except _AlreadyImported as exc:
        _already_imported(result, exc.prior, data_import, dry_run, started)
    except _Rejected:
        _finish(data_import, result, log, started, DataImport.Status.FAILED)
    except DatabaseError as exc:
        # A rule only the database knew (a unique group changed by two files):
        # reported like any other error, with the database's own words.
        log.error(
            0,
            None,
            _("the database refused the data: %(reason)s")
            % {"reason": str(exc).strip().splitlines()[0] if str(exc).strip() else exc},
        )
        _finish(data_import, result, log, started, DataImport.Status.FAILED)
    except BaseException as exc:
        log.error(0, None, _("the import stopped: %(reason)s") % {"reason": exc})
        _finish(data_import, result, log, started, DataImport.Status.FAILED)
        _announce(result, data_import, user, source)
        raise
    finally:
        recorder.close()
    _announce(result, data_import, user, source)
    return result


def _announce(result: ImportResult, data_import, user, source: str) -> None:
    """Tell the other apps (the audit trail) that a run ended: ledger.signals."""
    if data_import is not None and data_import.started_by_id is not None:
        user = data_import.started_by
    elif user is not None and not user.is_authenticated:
        user = None
    responses = import_finished.send_robust(
        sender=DataImport,
        data_import=data_import,
        user=user,
        kind=result.kind,
        file_name=result.file_name,
        source=source,
        checksum=result.checksum,
        status=str(result.status),
        dry_run=result.dry_run,
        rows=result.rows,
        inserted=result.inserted,
        updated=result.updated,
        unchanged=result.unchanged,
        removed=result.removed,
        error_count=result.error_count,
    )
    for receiver, response in responses:
        if isinstance(response, Exception):
            logger.error(
                "import_finished receiver %r failed",
                receiver,
                exc_info=(type(response), response, response.__traceback__),
            )


def _run(
    spec,
    path,
    file_name,
    source,
    replace,
    encoding,
    writer_class,
    log,
    recorder,
    now,
    result,
    *,
    identity: Identity,
    preview: bool = False,
    last_import_at: dt.datetime | None = None,
) -> None:
    with contextlib.ExitStack() as stack:
        bundle = None
        if spec.bundle:
            # A batch of files with a manifest: the manifest is the table, and
            # the batch checks each row's file (ledger.imports.bundles).
            from .bundles import open_bundle

            try:
                bundle = stack.enter_context(open_bundle(path, file_name, log, spec))
            except FileRejected:
                raise _Rejected from None
            spec, path = bundle.spec, bundle.manifest
        _run_table(
            spec,
            path,
            file_name,
            source,
            replace,
            encoding,
            writer_class,
            log,
            recorder,
            now,
            result,
            identity=identity,
            preview=preview,
            last_import_at=last_import_at,
        )
        if bundle is not None and not preview:
            bundle.store()


def _run_table(
    spec,
    path,
    file_name,
    source,
    replace,
    encoding,
    writer_class,
    log,
    recorder,
    now,
    result,
    *,
    identity: Identity,
    preview: bool = False,
    last_import_at: dt.datetime | None = None,
) -> None:
    try:
        table = open_table(
            path, spec.columns, file_name=file_name, log=log, encoding=encoding
        )
    except FileRejected:
        raise _Rejected from None
    with table:
        result.info = table.info
        positions = {name: i for i, name in enumerate(table.info.header)}
        ctx = WriteContext(
            spec=spec,
            present=spec.present_fields(table.info.header),
            source=source,
            now=now,
            log=log,
            positions=positions,
            preview=preview,
            last_import_at=last_import_at,
        )
        writer = writer_class(ctx)
        writer.lock()
        prior = previous_import(
            spec,
            identity.checksum,
            source=identity.source,
            replace=identity.replace_range or None,
            encoding=identity.encoding or None,
        )
        if prior is not None:
            # Another run imported the same file while this one waited.
            raise _AlreadyImported(prior)
        try:
            first, last = _stage(spec, table, writer, log, recorder, replace)
        finally:
            result.rows = table.rows_read
    if writer.staged:
        writer.precheck()
        if writer.checks_first or not log.ok:
            writer.check()  # with errors already, list the key errors too
    log.sort()
    if not log.ok:
        raise _Rejected
    inserted, updated = writer.apply()
    log.sort()
    if not log.ok:
        raise _Rejected
    result.inserted, result.updated = inserted, updated
    result.unchanged = writer.staged - inserted - updated
    if replace is not None and first is not None:
        result.replace = Period(first, last)
        result.removed = writer.remove(first, last)
    writer.post_check()
    log.sort()
    if not log.ok:
        raise _Rejected
    result.changes = writer.changes
    _warn_undone_decisions(writer.changes, log, last_import_at)
    if spec.master:
        absent = writer.absent()
        if absent:
            log.warn(
                0,
                None,
                _(
                    "%(count)d rows of this kind in the portal are not in the file; "
                    "they were kept (master data is never removed by an import)"
                )
                % {"count": absent},
            )


def _warn_undone_decisions(changes, log, last_import_at) -> None:
    """A change to a row that the portal changed after the last import (a
    contact change the office approved, an edit in the admin) would undo a
    decision of the staff: say so, record by record."""
    if last_import_at is None:
        return
    last = format_date(timezone.localtime(last_import_at), "SHORT_DATETIME_FORMAT")
    for change in changes:
        if not change["staff_changed_at"]:
            continue
        when = dt.datetime.fromisoformat(change["staff_changed_at"])
        log.warn(
            change["line"],
            None,
            _(
                "%(key)s: changed in the portal on %(when)s, after the last import "
                "of this kind (%(last)s); the file would undo it: %(fields)s"
            )
            % {
                "key": change["key"],
                "when": format_date(timezone.localtime(when), "SHORT_DATETIME_FORMAT"),
                "last": last,
                "fields": "; ".join(
                    f"{name}: {old or '-'} → {new or '-'}"
                    for name, old, new in change["fields"]
                ),
            },
        )


def _committed(data_import, result, started) -> None:
    """Stamp a successful run's end after its commit (see data_import_run)."""
    result.seconds = time.monotonic() - started
    finished = timezone.now()
    duration = dt.timedelta(seconds=result.seconds)
    try:
        DataImport.objects.filter(pk=data_import.pk).update(
            finished_at=finished, duration=duration
        )
    except DatabaseError:  # committed and recorded; only the end is early
        logger.warning("could not stamp the end of import #%s", data_import.pk)
        return
    data_import.finished_at = finished
    data_import.duration = duration
    # "Data as of" is this end now (an update sends no post_save).
    LAST_IMPORT_CACHE.bump()


def _stage(spec, table, writer, log, recorder, replace):
    """Feed the rows to the writer; returns the replaced range (first, last)."""
    prepare = spec.prepare
    positions = {name: i for i, name in enumerate(table.info.header)}
    row_errors = RowErrors(log, positions, 0)
    date_index = None
    first = last = None
    if replace is not None:
        date_index = spec.field_names.index(spec.replace.date)
        date_column = spec.replace.date
        first, last = replace.first, replace.last
        low = high = None
    total_bytes = table.info.size
    bytes_read = table.bytes_read
    count = 0
    with writer.staging() as put:
        for line, values in table.rows():
            if prepare is not None:
                row_errors.line = line
                row = prepare(values, row_errors)
                if row is None:
                    continue
            else:
                row = values
            if date_index is not None:
                day = row[date_index]
                if replace.auto:
                    if low is None or day < low:
                        low = day
                    if high is None or day > high:
                        high = day
                elif not first <= day <= last:
                    row_errors.line = line
                    row_errors(
                        date_column,
                        _("%(value)s is outside the replaced range %(range)s")
                        % {"value": day.isoformat(), "range": str(replace)},
                    )
                    continue
            put(line, row)
            count += 1
            if count % recorder.every == 0:
                recorder(count, bytes_read(), total_bytes)
    recorder(count, bytes_read(), total_bytes)
    writer.staged = count
    if replace is not None and replace.auto:
        if low is None:
            return None, None
        if spec.replace.by_month:
            high = _period_bound(high.strftime("%Y-%m"), last=True)
        return low, high
    return first, last


def _finish(data_import, result, log, started, status) -> None:
    """Record the outcome; for failures this runs after the rollback."""
    log.sort()
    result.status = status
    result.errors = list(log.errors)
    result.error_count = log.error_count
    result.warnings = list(log.warnings)
    result.seconds = time.monotonic() - started
    if status == DataImport.Status.FAILED:
        result.inserted = result.updated = result.unchanged = result.removed = 0
    problems = [p.as_dict() for p in log.errors + log.warnings]
    if log.truncated:
        problems.append(
            {
                "file": log.file,
                "line": 0,
                "column": None,
                "column_name": "",
                "message": _("… and %(count)d more errors") % {"count": log.truncated},
                "warning": False,
            }
        )
    finished = timezone.now()
    fields = {
        "status": status,
        "finished_at": finished,
        "duration": dt.timedelta(seconds=result.seconds),
        "rows_total": result.rows,
        "progress": result.rows,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "removed": result.removed,
        "errors": problems,
        "changes": result.changes if status == DataImport.Status.DRY_RUN else [],
    }
    DataImport.objects.filter(pk=data_import.pk).update(**fields)
    for name, value in fields.items():
        setattr(data_import, name, value)
    # The log line; the audit trail is written on ledger.signals.import_finished.
    logger.info(
        "data import %s kind=%s file=%s sha256=%s by=%s status=%s %s errors=%d",
        data_import.pk,
        result.kind,
        result.file_name,
        result.checksum,
        getattr(data_import.started_by, "username", "-"),
        status,
        result.summary,
        result.error_count,
    )


def _already_imported(result, prior, data_import, dry_run, started) -> ImportResult:
    result.status = "skipped"
    result.already_imported = prior
    result.rows = prior.rows_total
    result.unchanged = prior.rows_total
    result.seconds = time.monotonic() - started
    when = format_date(timezone.localtime(prior.finished_at), "SHORT_DATETIME_FORMAT")
    message = _(
        "this file was already imported on %(when)s (import #%(id)s); "
        "importing it again changes nothing"
    ) % {"when": when, "id": prior.pk}
    result.warnings = [Problem(result.file_name, 0, None, message, warning=True)]
    if data_import is not None:
        # The admin screen created a row for this upload: say what happened.
        status = DataImport.Status.DRY_RUN if dry_run else DataImport.Status.SKIPPED
        data_import.checksum = result.checksum
        data_import.status = status
        data_import.rows_total = prior.rows_total
        data_import.unchanged = prior.rows_total if dry_run else 0
        data_import.finished_at = timezone.now()
        data_import.errors = [result.warnings[0].as_dict()]
        data_import.save()
        result.data_import_id = data_import.pk
    logger.info(
        "data import skipped: %s is import #%s again", result.file_name, prior.pk
    )
    return result
