"""File storage that leaves nothing behind when a write fails.

Django's FileSystemStorage creates the file and then streams the upload into
it; when the disk fills up half-way (ENOSPC) it raises, but the truncated file
stays in MEDIA_ROOT with no database row pointing at it. This storage removes
the file it had just created and re-raises, so a failed upload changes nothing
(the caller's transaction rolls back, ``cms.errors`` shows the Polish page).
"""

import contextlib
import os

from django.core.files.storage import FileSystemStorage


class SafeFileSystemStorage(FileSystemStorage):
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
