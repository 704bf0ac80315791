"""Where uploaded import files are kept: ``imports/`` in the media storage
(MEDIA_ROOT/imports/ on disk, or the private S3 bucket), under random names.

The folder is private. Django never serves it (the development media server
aside, where the names are unguessable), and the web server in front must not
serve MEDIA_ROOT/imports either: see docs/import-formats.md. Keeping the files
in the media storage lets the background worker on another machine read what
an app server stored (a shared volume or the bucket).
"""

import contextlib
import hashlib
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

FOLDER = "imports"


def storage_name(stored_name: str) -> str:
    """The storage name of a stored upload; refuses anything but a bare name."""
    if Path(stored_name).name != stored_name or stored_name.startswith("."):
        raise ValueError("not a stored upload name")
    return f"{FOLDER}/{stored_name}"


def store_upload(upload: UploadedFile) -> tuple[str, str]:
    """Save an uploaded file; returns its stored name and SHA-256.

    A write that fails half-way (a full disk) leaves no truncated file behind
    (cms.storage.SafeFileSystemStorage; an S3 upload is all or nothing)."""
    suffix = Path(upload.name).suffix.lower()
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    saved = default_storage.save(storage_name(f"{uuid.uuid4().hex}{suffix}"), upload)
    return Path(saved).name, digest.hexdigest()


@contextlib.contextmanager
def local_copy(stored_name: str) -> Iterator[Path]:
    """A local path of a stored upload for the importer, which reads files:
    the file itself on disk, else a temporary copy removed afterwards."""
    name = storage_name(stored_name)
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:  # a remote storage (S3)
        path = None
    if path is not None:
        yield path
        return
    with (
        tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as copy,
        default_storage.open(name, "rb") as source,
    ):
        shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield Path(copy.name)
