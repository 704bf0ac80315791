"""Images on the site's pages, served by Django from the media storage.

Only Wagtail's renditions (``images/`` in the media storage: what ``{% image %}``
links to) are served, each to the audience of its image's collection
(``cms.audiences``): publicly for a public collection, through the checks of
``cms.access`` and with ``private, no-store`` for any other; a file with no
rendition row behind it is not served at all (fail closed). Originals,
documents (served by Wagtail's view and ``cms.access``), import files and
residents' attachments are never served here, whatever the storage: the local
disk (then the web server need not expose MEDIA_ROOT at all) or a private S3
bucket (cms.storage_s3), whose objects then never need a public URL.
"""

import mimetypes
import posixpath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from cms.access import (
    collection_file_guard,
    is_public_collection,
    private_file_response,
)

PUBLIC_FOLDER = "images/"
MAX_AGE = 24 * 3600


@require_safe
def image_rendition(request, name: str):
    path = posixpath.normpath(PUBLIC_FOLDER + name)
    if not path.startswith(PUBLIC_FOLDER) or name != path[len(PUBLIC_FOLDER) :]:
        raise Http404  # "..", "//" or anything that leaves the folder
    from wagtail.images import get_image_model

    rendition = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(file=path)
        .select_related("image__collection")
        .first()
    )
    if rendition is None:
        raise Http404
    collection = rendition.image.collection
    public = is_public_collection(collection)
    if not public:
        refused = collection_file_guard(collection, request)
        if refused is not None:
            return refused
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
    if public:
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    else:
        add_never_cache_headers(response)  # private, no-store
    return response


@require_safe
def document(request, document_id: int, document_filename: str):
    """``/documents/<id>/<name>``, ahead of Wagtail's view: a document of a public
    collection is handed to Wagtail's view; any other is checked and streamed
    here (``cms.access``), never kept by a cache. Wagtail's view alone cannot
    stream a response from its ``before_serve_document`` hook."""
    from wagtail.documents import get_document_model
    from wagtail.documents.models import document_served
    from wagtail.documents.views.serve import serve

    found = get_object_or_404(get_document_model(), id=document_id)
    if found.filename != document_filename:
        raise Http404
    if is_public_collection(found.collection):
        return serve(request, document_id, document_filename)
    refused = collection_file_guard(found.collection, request)
    if refused is not None:
        return refused
    document_served.send(sender=type(found), instance=found, request=request)
    return private_file_response(
        found.file,
        content_type=found.content_type,
        filename=found.filename,
        inline=found.content_disposition.startswith("inline"),
    )
