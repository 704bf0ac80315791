"""Every wagtail-modeladmin list accepts only the filters it declares.

The screens are found in the URL configuration (every ``*_modeladmin_index``),
so a screen added later is covered without touching this file.
"""

import inspect
from collections import deque

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

import pytest

from ledger.models import Party
from members.models import AuditEvent
from tests.conftest import log_in_verified_staff
from tests.factories import MeterReadingFactory


def _index_url_names(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _index_url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and (pattern.name or "").endswith(
            "_modeladmin_index"
        ):
            yield pattern.name


INDEX_URL_NAMES = sorted(set(_index_url_names()))


def _model_admin(url_name):
    """The ``ModelAdmin`` whose bound ``index_view`` serves the URL (under
    Wagtail's admin-access decorators)."""
    return inspect.unwrap(resolve(reverse(url_name)).func).__self__


def _path_to_a_users_password(model, max_depth=6):
    """The shortest lookup from ``model`` to a related user's password hash
    (``party__user__password``), or ``None`` if no relation leads to a user."""
    user_model = get_user_model()
    queue = deque([(model, "", 0)])
    seen = {model}
    while queue:
        current, prefix, depth = queue.popleft()
        if current is user_model:
            return f"{prefix}password"
        if depth == max_depth:
            continue
        for field in current._meta.get_fields():
            related = field.related_model if field.is_relation else None
            if related is None or related in seen:
                continue
            seen.add(related)
            queue.append((related, f"{prefix}{field.name}__", depth + 1))
    return None


def test_the_screens_are_found():
    """The discovery above sees the ledger's, the audit and the member-area
    screens (otherwise the tests below would pass vacuously)."""
    assert len(INDEX_URL_NAMES) >= 19
    for name in (
        "ledger_party_modeladmin_index",
        "members_auditevent_modeladmin_index",
        "members_discrepancyreport_modeladmin_index",
        "members_contactchangerequest_modeladmin_index",
        "ledger_meterreading_modeladmin_index",
    ):
        assert name in INDEX_URL_NAMES


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", INDEX_URL_NAMES)
def test_a_lookup_the_screen_does_not_offer_is_refused(staff_client, url_name):
    model = _model_admin(url_name).model
    field = _path_to_a_users_password(model) or "pk"
    url = reverse(url_name)

    forged = staff_client.get(url, {f"{field}__startswith": "md5"})
    unknown = staff_client.get(url, {"no_such_field": "1"})

    assert forged.status_code == 400, field
    assert unknown.status_code == 400
    # The 400 page, not the list: nothing of the model is shown.
    assert "Nieprawidłowe żądanie" in forged.content.decode()
    assert "object_list" not in (forged.context or {})
    assert staff_client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", INDEX_URL_NAMES)
def test_every_declared_filter_choice_still_works(staff_client, url_name):
    """Each choice a list filter offers (its link in the sidebar) is accepted."""
    url = reverse(url_name)
    listing = staff_client.get(url)
    view = listing.context["view"]

    query_strings = {
        choice["query_string"]
        for spec in view.filter_specs
        for choice in spec.choices(view)
    }

    for query_string in query_strings:
        response = staff_client.get(url + query_string)
        assert response.status_code == 200, query_string


def test_a_screen_with_filters_is_among_them():
    with_filters = [name for name in INDEX_URL_NAMES if _model_admin(name).list_filter]
    assert "members_discrepancyreport_modeladmin_index" in with_filters
    assert "members_auditevent_modeladmin_index" in with_filters


@pytest.mark.django_db
def test_probing_a_password_hash_tells_a_registrar_nothing(client, member):
    """A registrar may list parties but not see users' data: the answer is the
    same whether the guessed hash prefix is right or wrong."""
    registrar = get_user_model().objects.create_user(
        username="registrar", password="Staff12345!", is_staff=True
    )
    registrar.groups.add(Group.objects.get(name="Rejestratorzy"))
    log_in_verified_staff(client, registrar)
    url = reverse("ledger_party_modeladmin_index")
    right_prefix = member.password[:4]

    right = client.get(url, {"user__password__startswith": right_prefix})
    wrong = client.get(url, {"user__password__startswith": "zzzz"})

    assert client.get(url).status_code == 200
    assert right.status_code == wrong.status_code == 400
    assert right.content == wrong.content
    assert member.party.name not in right.content.decode()


@pytest.mark.django_db
def test_a_declared_filter_filters_the_list(staff_client, member):
    other = Party.objects.create(number="900002", name="Anna Inna")
    AuditEvent.objects.create(event="blocked", target_party=member.party)
    AuditEvent.objects.create(event="unblocked", target_party=other)
    url = reverse("members_auditevent_modeladmin_index")

    blocked = staff_client.get(url, {"event__exact": "blocked"})

    assert blocked.status_code == 200
    assert [row.target_party for row in blocked.context["object_list"]] == [
        member.party
    ]


@pytest.mark.django_db
def test_an_extra_lookup_the_screen_declares_filters_the_list(staff_client):
    """The meter's page links to its readings with ``?meter=``."""
    first, second = MeterReadingFactory(), MeterReadingFactory()
    url = reverse("ledger_meterreading_modeladmin_index")

    response = staff_client.get(url, {"meter": first.meter_id})

    assert response.status_code == 200
    assert list(response.context["object_list"]) == [first]
    assert second.meter_id != first.meter_id


@pytest.mark.django_db
def test_a_declared_filter_with_a_bad_value_shows_the_whole_list(staff_client):
    url = reverse("members_auditevent_modeladmin_index")

    response = staff_client.get(url, {"created_at__gte": "yesterday"}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["Filtry w adresie są nieprawidłowe; pokazano całą listę."]
