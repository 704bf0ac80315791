"""Image renditions on public pages are served by Django from the media storage
(cms.media): nothing else under /media/ is reachable, whatever is stored."""

import io

from django.core.files.images import ImageFile

from wagtail.images import get_image_model

import pytest
from PIL import Image as PILImage

from cms.audiences import audience_collection
from cms.models import Audience

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png(colour="red") -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


def test_an_images_rendition_is_served_from_the_storage(client, media_root):
    image = get_image_model().objects.create(
        title="Elewacja",
        file=ImageFile(io.BytesIO(png()), name="elewacja.png"),
        collection=audience_collection(Audience.PUBLIC),
    )
    rendition = image.get_rendition("max-20x20")
    assert rendition.url.startswith("/media/images/")

    response = client.get(rendition.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    with rendition.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    # The original is not public: only renditions are.
    assert client.get("/media/" + image.file.name).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/media/images/../imports/ksiegi.csv",
        "/media/images/..%2Fimports/ksiegi.csv",
        "/media/images//etc/passwd",
        "/media/imports/ksiegi.csv",
        "/media/documents/protokol.pdf",
        "/media/images/rysunek.svg",
        "/media/images/notatka.txt",
        "/media/images/brak.png",
    ],
)
def test_nothing_else_under_media_is_served(client, media_root, url):
    for name, body in (
        ("imports/ksiegi.csv", b"id;kwota\n"),
        ("documents/protokol.pdf", b"%PDF-1.4\n"),
        ("images/rysunek.svg", b"<svg onload='alert(1)'/>"),
        ("images/notatka.txt", b"tekst"),
    ):
        (media_root / name).parent.mkdir(parents=True, exist_ok=True)
        (media_root / name).write_bytes(body)
    assert client.get(url).status_code == 404
