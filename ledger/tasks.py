"""Background tasks of the ledger (django-tasks): imports started in the admin.

In development and tests the TASKS backend runs them at once; in production
they go to the database queue and ``manage.py db_worker`` runs them, so a long
import never holds a web request.
"""

from django.conf import settings
from django.utils import translation

from django_tasks import task

from ledger.imports.services import Period, data_import_run
from ledger.imports.storage import local_copy
from ledger.models import DataImport


@task()
def run_import(
    *,
    data_import_id: int,
    kind: str,
    stored_name: str,
    source: str = "fk",
    replace: str | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
) -> dict:
    """Import (or dry-run) an uploaded file into the DataImport row prepared for
    it by the admin screen; the row shows progress, counts and errors."""
    data_import = DataImport.objects.get(pk=data_import_id)
    with translation.override(settings.LANGUAGE_CODE), local_copy(stored_name) as path:
        result = data_import_run(
            kind=kind,
            path=path,
            file_name=data_import.file_name,
            source=source,
            dry_run=dry_run,
            replace=Period.parse(replace) if replace else None,
            encoding=encoding or None,
            data_import=data_import,
        )
    return {
        "status": str(result.status),
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "removed": result.removed,
        "errors": result.error_count,
    }
