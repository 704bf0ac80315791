"""Issue 12, item 7: the rules and the privacy clause are published only
through the board's workflow. A member of Moderators or of the board cannot
publish or unpublish them through the admin; the approval publishes; a version
published without approval is not a version; the board withdraws a wrongly
published version with a reason kept in the page history."""

import datetime

from django.contrib.auth.models import Group
from django.test import Client

from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.models import PrivacyClausePage, RulesPage
from cms.queries import rules_versions
from cms.workflow import BOARD_APPROVED, VERSION_WITHDRAWN

pytestmark = pytest.mark.django_db


def admin_client(user) -> Client:
    """The admin as the user sees it after logging in with their second factor."""
    device = TOTPDevice.objects.create(user=user, name="app")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def make_member(django_user_model):
    def make(username: str, group: str):
        user = django_user_model.objects.create_user(
            username=username, password="Haslo-2026!"
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


def rules_edit_form(page: RulesPage, resolution: str, **extra) -> dict:
    """The edit form of the rules page as the admin posts it."""
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "resolution_number": resolution,
            "adopted_on": "2026-01-02",
            "effective_from": "2026-01-03",
            "body": streamfield(
                [("paragraph", rich_text("<p>Zasady zmienione uchwałą 999.</p>"))]
            ),
            "comments": inline_formset([]),
            **extra,
        }
    )


def fake_publication(page, user, resolution="999/2026"):
    """What a Moderators or board member could do before: publish directly."""
    draft = RulesPage.objects.get(pk=page.pk)
    draft.resolution_number = resolution
    draft.effective_from = datetime.date(2026, 1, 3)
    revision = draft.save_revision(user=user)
    revision.publish(user=user, skip_permission_checks=True)
    return revision


@pytest.mark.parametrize("group", ["Moderators", "Zarząd"])
def test_moderators_and_the_board_cannot_publish_the_rules_directly(
    rules_page, make_member, group
):
    member = make_member("atakujacy", group)
    client = admin_client(member)
    live_revision = rules_page.live_revision_id
    assert client.get(f"/admin/pages/{rules_page.pk}/edit/").status_code == 200

    # The edit form's "Publish" button.
    client.post(
        f"/admin/pages/{rules_page.pk}/edit/",
        rules_edit_form(rules_page, "999/2026", **{"action-publish": "action-publish"}),
    )
    # The bulk action of the page listing.
    client.post(
        f"/admin/bulk/wagtailcore/page/publish/?id={rules_page.pk}",
        {"include_descendants": ""},
    )
    # Unpublishing, of the rules and of the privacy clause.
    privacy = PrivacyClausePage.objects.get()
    for page in (rules_page, privacy):
        client.post(f"/admin/pages/{page.pk}/unpublish/")
        client.post(f"/admin/bulk/wagtailcore/page/unpublish/?id={page.pk}", {})

    live = RulesPage.objects.get(pk=rules_page.pk)
    assert live.live and live.live_revision_id == live_revision
    assert live.resolution_number == "58/2025"
    assert PrivacyClausePage.objects.get().live
    assert not PageLogEntry.objects.filter(
        user=member, action__in=["wagtail.publish", "wagtail.unpublish"]
    ).exists()
    assert "999/2026" not in Client().get(rules_page.url).content.decode()
    for page in (live, privacy):
        perms = page.permissions_for_user(member)
        assert not perms.can_publish()
        assert not perms.can_unpublish()
        assert not perms.can_delete()


def test_a_superuser_still_publishes_directly(rules_page, django_user_model):
    boss = django_user_model.objects.create_superuser("szef", password="Szef-2026!")
    assert rules_page.permissions_for_user(boss).can_publish()
    fake_publication(rules_page, boss, "13/2026")
    assert rules_versions(rules_page)[0].resolution_number == "13/2026"


def test_the_boards_approval_publishes_and_is_recorded(rules_page, make_member):
    editor = make_member("redaktor", "Editors")
    board_member = make_member("prezes", "Zarząd")
    page = RulesPage.objects.get(pk=rules_page.pk)
    page.resolution_number = "14/2026"
    page.effective_from = datetime.date(2026, 4, 1)
    revision = page.save_revision(user=editor)
    state = page.get_workflow().start(page, editor)
    task_state = state.current_task_state

    client = admin_client(board_member)
    response = client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
        {"comment": ""},
    )
    assert response.status_code in (200, 302)
    live = RulesPage.objects.get(pk=page.pk)
    assert live.live_revision_id == revision.pk
    assert live.resolution_number == "14/2026"
    assert rules_versions(live)[0].resolution_number == "14/2026"
    assert PageLogEntry.objects.filter(
        page_id=page.pk, action=BOARD_APPROVED, revision=revision, user=board_member
    ).exists()


def test_a_version_published_without_approval_is_not_listed(
    client, rules_page, make_member
):
    moderator = make_member("moderator", "Moderators")
    revision = fake_publication(rules_page, moderator)
    assert [v.resolution_number for v in rules_versions(rules_page)] == [
        "58/2025",
        "733/2012",
    ]
    html = client.get(rules_page.url).content.decode()
    assert f"wersje/{revision.pk}/" not in html
    assert client.get(f"{rules_page.url}wersje/{revision.pk}/").status_code == 404


def test_the_board_withdraws_a_wrongly_published_version_with_a_reason(
    client, rules_page, make_member
):
    moderator = make_member("moderator", "Moderators")
    board_member = make_member("prezes", "Zarząd")
    approved_revision = rules_page.live_revision_id
    fake = fake_publication(rules_page, moderator)
    assert "999/2026" in client.get(rules_page.url).content.decode()
    url = f"/admin/board/{rules_page.pk}/withdraw/"

    # Not by a moderator, not without a reason.
    outsider = admin_client(moderator)
    assert outsider.get(url)["Location"] == "/admin/"  # Wagtail's "no permission"
    outsider.post(url, {"revision": fake.pk, "reason": "Chcę"})
    assert not PageLogEntry.objects.filter(action=VERSION_WITHDRAWN).exists()
    board = admin_client(board_member)
    page = board.get(url)
    assert page.status_code == 200
    assert f'value="{fake.pk}"' in page.content.decode()
    response = board.post(url, {"revision": fake.pk, "reason": "  "})
    assert response.status_code == 400
    assert not PageLogEntry.objects.filter(action=VERSION_WITHDRAWN).exists()

    reason = "Opublikowane bez uchwały Zarządu"
    response = board.post(url, {"revision": fake.pk, "reason": reason})
    assert response.status_code == 302
    entry = PageLogEntry.objects.get(action=VERSION_WITHDRAWN)
    assert entry.page_id == rules_page.pk and entry.revision_id == fake.pk
    assert entry.user == board_member and entry.data["reason"] == reason
    # The approved version is online again; the fake is nowhere public.
    live = RulesPage.objects.get(pk=rules_page.pk)
    assert live.live_revision_id == approved_revision
    html = client.get(rules_page.url).content.decode()
    assert "999/2026" not in html and "Nr 58/2025" in html
    assert client.get(f"{rules_page.url}wersje/{fake.pk}/").status_code == 404
    # The reason stays in the page history of the admin.
    history = board.get(f"/admin/pages/{rules_page.pk}/history/").content.decode()
    assert f"Wersja wycofana przez Zarząd: {reason}" in history
    # The board finds the screen on the page's header.
    edit = board.get(f"/admin/pages/{rules_page.pk}/edit/").content.decode()
    assert url in edit and "Wycofaj wersję" in edit


def test_the_board_withdraws_an_approved_version_from_the_list(rules_page, make_member):
    board_member = make_member("prezes", "Zarząd")
    earlier = rules_versions(rules_page)[1]
    response = admin_client(board_member).post(
        f"/admin/board/{rules_page.pk}/withdraw/",
        {"revision": earlier.revision_id, "reason": "Błędna data"},
    )
    assert response.status_code == 302
    assert [v.resolution_number for v in rules_versions(rules_page)] == ["58/2025"]
    assert RulesPage.objects.get(pk=rules_page.pk).resolution_number == "58/2025"
