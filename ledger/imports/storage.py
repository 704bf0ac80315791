"""Where uploaded import files are kept: MEDIA_ROOT/imports/, under random names.

The folder is private. Django never serves it (the development media server
aside, where the names are unguessable), and the web server in front must not
serve MEDIA_ROOT/imports either: see docs/import-formats.md.
"""

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile


def imports_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def upload_path(stored_name: str) -> Path:
    """The path of a stored upload; refuses anything but a bare stored name."""
    if Path(stored_name).name != stored_name or stored_name.startswith("."):
        raise ValueError("not a stored upload name")
    return imports_root() / stored_name


def store_upload(upload: UploadedFile) -> tuple[str, str]:
    """Save an uploaded file; returns its stored name and SHA-256."""
    root = imports_root()
    root.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name).suffix.lower()
    stored_name = f"{uuid.uuid4().hex}{suffix}"
    digest = hashlib.sha256()
    path = root / stored_name
    try:
        with path.open("xb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
    except OSError:
        # A full disk half-way through: no truncated file is left behind.
        path.unlink(missing_ok=True)
        raise
    return stored_name, digest.hexdigest()
