"""File storages the portal's private files use, kept in the lowest app so
the ledger (personal documents), the site and the member area share one class.

- ``SafeFileSystemStorage``: leaves nothing behind when a write fails;
- ``PrivateStorage`` / ``private_storage()``: files without a URL, outside
  MEDIA_ROOT, streamed only by views that check who asks.

``cms.storage`` and ``members.models.area`` re-export these names, so settings
(``cms.storage.SafeFileSystemStorage``) and old migrations keep importing them.
"""

import contextlib
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


class SafeFileSystemStorage(FileSystemStorage):
    """Django's FileSystemStorage creates the file and then streams the upload
    into it; when the disk fills up half-way (ENOSPC) it raises, but the
    truncated file stays with no database row pointing at it. This storage
    removes the file it had just created and re-raises, so a failed upload
    changes nothing (the caller's transaction rolls back, ``cms.errors`` shows
    the Polish page)."""

    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            # Only a file this call created: an existing one belongs to
            # someone else (Django then picks another name itself).
            if not existed:
                with contextlib.suppress(OSError):
                    os.remove(full_path)
            raise


@deconstructible
class PrivateStorage(SafeFileSystemStorage):
    """Files residents upload and documents addressed to them: kept outside
    MEDIA_ROOT and without a URL, so the web server can never hand them out;
    only a member-area view that checks who asks (or the admin) streams them.
    The folder is ``IOK_PRIVATE_MEDIA_ROOT``, read on every use so tests can
    point it at a temporary directory."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(settings.IOK_PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def __eq__(self, other):
        return isinstance(other, PrivateStorage)

    def __hash__(self):
        return hash(PrivateStorage)


def private_storage():
    """Where private files are kept: ``STORAGES["private"]`` when the settings
    define it (a private S3 bucket, cms/settings/production.py), else the local
    PrivateStorage folder."""
    from django.core.files.storage import storages

    if "private" in settings.STORAGES:
        return storages["private"]
    return PrivateStorage()
