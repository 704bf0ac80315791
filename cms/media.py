"""Images on public pages, served by Django from the media storage.

Only Wagtail's renditions (``images/`` in the media storage: what ``{% image %}``
links to) are public. Originals, documents (served by Wagtail's own view, which
enforces collection privacy), import files and residents' attachments are never
served here, whatever the storage: the local disk (then the web server need not
expose MEDIA_ROOT at all) or a private S3 bucket (cms.storage_s3), whose
objects then never need a public URL.
"""

import mimetypes
import posixpath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

PUBLIC_FOLDER = "images/"
MAX_AGE = 24 * 3600


@require_safe
def image_rendition(request, name: str):
    path = posixpath.normpath(PUBLIC_FOLDER + name)
    if not path.startswith(PUBLIC_FOLDER) or name != path[len(PUBLIC_FOLDER) :]:
        raise Http404  # "..", "//" or anything that leaves the folder
    try:
        handle = default_storage.open(path, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    # SVG can carry scripts: never served from the site's own origin.
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        handle.close()
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
