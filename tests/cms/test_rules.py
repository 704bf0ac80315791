"""The rules page: resolution, versions from revisions, the board's workflow."""

import datetime

from django.contrib.auth.models import Group
from django.test import Client

from cms.models import PrivacyClausePage, RulesPage
from cms.queries import rules_version_on, rules_versions
from cms.services import BOARD_WORKFLOW_NAME


def test_rules_page_shows_resolution_number_and_dates(client: Client, rules_page):
    html = client.get(rules_page.url).content.decode()
    assert "Nr 58/2025" in html
    assert "17.06.2025" in html  # adopted
    assert "01.07.2025" in html  # in force from
    assert "Zasady opublikowane na stronie internetowej Spółdzielni uznaje się" in html


def test_rules_list_earlier_version_and_it_is_readable(client: Client, rules_page):
    versions = rules_versions(rules_page)
    assert [v.resolution_number for v in versions] == ["58/2025", "733/2012"]
    earlier = versions[1]
    assert not earlier.is_current

    html = client.get(rules_page.url).content.decode()
    earlier_url = f"{rules_page.url}wersje/{earlier.revision_id}/"
    assert f'href="{earlier_url}"' in html

    response = client.get(earlier_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "To jest wcześniejsza wersja zasad" in html
    assert "Nr 733/2012" in html and "21.11.2012" in html
    # The 2012 text, not today's: the old login addresses, no amendment clause.
    assert "https://www.iok.sm-nadodrze.example/InetObsKontr/LoginPage" in html
    assert "zmienione uchwałą Zarządu Nr 58/2025" not in html
    # The footer still points at the rules in force.
    assert f'href="{rules_page.url}"' in html


def test_rules_in_force_on_a_given_day(client: Client, rules_page):
    earlier = rules_version_on(rules_page, datetime.date(2020, 5, 4))
    assert earlier.resolution_number == "733/2012"
    response = client.get(rules_page.url, {"dzien": "2020-05-04"})
    assert response.status_code == 302
    assert response["Location"] == f"{rules_page.url}wersje/{earlier.revision_id}/"

    # On or after the amendment's effective date: the current page.
    response = client.get(rules_page.url, {"on": "2025-07-01"})
    assert response.status_code == 302
    assert response["Location"] == rules_page.url


def test_rules_before_the_first_version_and_bad_dates_are_explained(
    client: Client, rules_page
):
    html = client.get(rules_page.url, {"dzien": "2010-01-01"}).content.decode()
    assert "nie obowiązywała żadna wersja zasad" in html
    html = client.get(rules_page.url, {"dzien": "1.1.2010"}).content.decode()
    assert "RRRR-MM-DD" in html


def test_unpublished_draft_is_not_a_version(client: Client, rules_page):
    draft = RulesPage.objects.get(pk=rules_page.pk)
    draft.resolution_number = "99/2099"
    revision = draft.save_revision()
    assert [v.resolution_number for v in rules_versions(rules_page)] == [
        "58/2025",
        "733/2012",
    ]
    response = client.get(f"{rules_page.url}wersje/{revision.pk}/")
    assert response.status_code == 404
    assert "99/2099" not in client.get(rules_page.url).content.decode()


def test_revision_of_another_page_is_not_served_as_rules(client: Client, rules_page):
    privacy = PrivacyClausePage.objects.get()
    other_revision = privacy.revisions.first()
    response = client.get(f"{rules_page.url}wersje/{other_revision.pk}/")
    assert response.status_code == 404


def test_board_workflow_is_attached_to_rules_and_privacy_pages(rules_page):
    assert rules_page.get_workflow().name == BOARD_WORKFLOW_NAME
    assert PrivacyClausePage.objects.get().get_workflow().name == BOARD_WORKFLOW_NAME
    task = rules_page.get_workflow().tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Zarząd"]


def test_editor_submits_rules_change_and_the_board_approves_it(
    rules_page, django_user_model
):
    editor = django_user_model.objects.create_user(username="redaktor", password="x1")
    editor.groups.add(Group.objects.get(name="Editors"))
    board_member = django_user_model.objects.create_user(
        username="prezes", password="x1"
    )
    board_member.groups.add(Group.objects.get(name="Zarząd"))

    # Editors may edit but not publish the rules; the board approves (its
    # approval publishes), it does not publish directly (issue 12, item 7).
    assert rules_page.permissions_for_user(editor).can_edit()
    assert not rules_page.permissions_for_user(editor).can_publish()
    assert not rules_page.permissions_for_user(board_member).can_publish()

    page = RulesPage.objects.get(pk=rules_page.pk)
    page.resolution_number = "12/2026"
    page.adopted_on = datetime.date(2026, 2, 10)
    page.effective_from = datetime.date(2026, 3, 1)
    page.save_revision(user=editor)
    state = page.get_workflow().start(page, editor)
    task_state = state.current_task_state
    assert task_state.task.specific.get_actions(page, editor) == []
    assert [
        name for name, *_ in task_state.task.specific.get_actions(page, board_member)
    ]

    # Until approved, the public page and the versions are unchanged.
    assert RulesPage.objects.get(pk=page.pk).resolution_number == "58/2025"

    task_state.task.specific.on_action(task_state, board_member, "approve")
    live = RulesPage.objects.get(pk=page.pk)
    assert live.resolution_number == "12/2026"
    assert [v.resolution_number for v in rules_versions(live)] == [
        "12/2026",
        "58/2025",
        "733/2012",
    ]
    assert live.revisions.count() >= 3  # every version kept as a revision
