"""The demo seed: idempotent, and the site it builds."""

import io

from django.core.files.base import ContentFile

from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from cms import demo
from cms.audiences import audience_collection
from cms.models import Audience, HomePage, NoticePage, SiteSettings


def counts():
    return (
        Page.objects.count(),
        get_document_model().objects.count(),
        NoticePage.objects.count(),
        sum(page.revisions.count() for page in Page.objects.all()),
    )


def test_seed_is_idempotent(demo_site):
    before = counts()
    demo.seed(stdout=io.StringIO())
    assert counts() == before


def test_seed_replaces_wagtails_welcome_page_with_the_home_page(demo_site):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(title__startswith="Welcome").exists()
    assert Page.objects.filter(depth=2).count() == 1


def test_seed_creates_the_notice_mix_the_site_needs(demo_site):
    notices = NoticePage.objects.all()
    assert notices.filter(live=True).count() >= 6
    assert notices.filter(pinned=True).exists()
    assert notices.filter(audience="residents").exists()
    assert notices.filter(valid_until__isnull=False).exists()
    assert notices.filter(attachments__isnull=False).exists()


def test_application_form_is_the_shipped_pdf_linked_from_settings(client, demo_site):
    form = SiteSettings.load().application_form
    assert form.file.name.endswith(".pdf")
    response = client.get(form.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body == (demo.DEMO_FILES / demo.FORM_FILENAME).read_bytes()
    assert body.startswith(b"%PDF-1.4")
    assert b"/Aogonek" in body  # Polish letters are mapped, not dropped


def test_an_editor_replaces_the_application_form_with_another_document(
    client, demo_site
):
    # Uploaded into the public collection (a file left in the root collection
    # has no audience and is for the office only: docs/editors.md).
    new_form = get_document_model()(
        title="Wniosek o dostęp do IOK (2027)",
        collection=audience_collection(Audience.PUBLIC),
    )
    new_form.file.save("wniosek-2027.pdf", ContentFile(b"%PDF-1.7 nowy"), save=False)
    new_form.save()
    site_settings = SiteSettings.load()
    site_settings.application_form = new_form
    site_settings.save()

    html = client.get("/").content.decode()
    login = client.get("/iok/login/").content.decode()

    assert f'href="{new_form.url}"' in html
    assert f'href="{new_form.url}"' in login
    download = client.get(new_form.url)
    assert b"".join(download.streaming_content) == b"%PDF-1.7 nowy"
