"""Scheduled publishing and expiry through Wagtail's publish_scheduled command."""

import datetime
import io

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cms.models import NoticePage, StandardPage

from .conftest import add_notice

HOUR = datetime.timedelta(hours=1)


def test_page_with_expiry_in_the_past_is_taken_down_by_publish_scheduled(
    client: Client, notice_index
):
    notice = add_notice(notice_index, "do-zdjecia", title="Ogłoszenie do zdjęcia")
    notice.expire_at = timezone.now() - HOUR
    notice.save_revision().publish()
    assert client.get(notice.url).status_code == 200

    call_command("publish_scheduled", stdout=io.StringIO())

    notice.refresh_from_db()
    assert not notice.live
    assert notice.expired
    assert client.get(notice.url).status_code == 404
    assert notice.title not in client.get(notice_index.url).content.decode()


def test_page_scheduled_for_the_future_goes_live_when_its_time_comes(
    client: Client, demo_site, time_machine
):
    page = StandardPage(
        title="Plan remontów 2027", slug="plan-remontow-2027", live=False
    )
    demo_site.add_child(instance=page)
    page.go_live_at = timezone.now() + HOUR
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    assert client.get("/plan-remontow-2027/").status_code == 404

    time_machine.move_to(timezone.now() + 2 * HOUR)
    call_command("publish_scheduled", stdout=io.StringIO())

    page.refresh_from_db()
    assert page.live
    assert client.get("/plan-remontow-2027/").status_code == 200


def test_demo_has_a_notice_waiting_for_its_scheduled_publication(demo_site):
    scheduled = NoticePage.objects.get(slug="wymiana-wodomierzy")
    assert not scheduled.live
    assert scheduled.go_live_at > timezone.now()
    assert scheduled.revisions.filter(approved_go_live_at__isnull=False).exists()
