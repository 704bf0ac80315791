"""The media storage in a private S3-compatible bucket (MEDIA_STORAGE=s3).

django-storages' S3Storage, except that ``url()`` never points at the bucket:
files are reached through the portal, which checks who asks (documents:
Wagtail's serve view; attachments: the member area and the admin) or serves
only the public image renditions (cms.media). The bucket stays private.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))


class UnlinkedS3Storage(S3Storage):
    """Residents' attachments: no URL at all, as on the local disk
    (members.models.area.PrivateStorage); only checked views stream them."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("residents' files have no URL")
