"""Shared fixtures. App-specific fixtures live next to their tests.

``member_client``: a resident logged in to the member area (password already
changed). ``staff_client``: a superuser whose session passed the second factor,
as the Wagtail admin requires.
"""

from django.test import Client

import pytest


@pytest.fixture(autouse=True)
def _no_cached_pages_between_tests():
    """Public pages are cached (cms.middleware): a page one test stored, from
    rows its rollback removed, must not be served to the next test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_folder(settings, tmp_path_factory):
    """Private files (report attachments, personal documents: seed_demo makes
    some) never land in the checkout's private_media/."""
    settings.IOK_PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")


@pytest.fixture
def member(db, django_user_model):
    """A resident with a party and their own password (``lato2026``)."""
    from ledger.models import Party

    party = Party.objects.create(number="900001", name="Jan Testowy")
    return django_user_model.objects.create_user(
        username=party.number, password="lato2026", party=party
    )


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def log_in_verified_staff(client: Client, user) -> Client:
    """Log ``user`` in to ``client`` as if they had passed the admin's TOTP step."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(user=user, name="authenticator")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.user = user
    return client


@pytest.fixture
def staff_client(db, django_user_model) -> Client:
    admin = django_user_model.objects.create_superuser(
        username="staff-admin", password="Admin12345!", email="admin@example.org"
    )
    return log_in_verified_staff(Client(), admin)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """A transactional test without serialized rollback may follow one with it,
    whose flush left the content-type table empty: forget the content types
    cached by earlier tests so they are looked up (and recreated) rather than
    written as foreign keys to deleted rows."""
    marker = item.get_closest_marker("django_db")
    if (
        marker is not None
        and marker.kwargs.get("transaction")
        and not marker.kwargs.get("serialized_rollback")
    ):
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
    return (yield)


# --- Browser tests (see tests/browser_support.py) ---------------------------------


@pytest.fixture
def browser_data():
    """What must be in the database before the browser starts: Playwright's
    event loop makes Django refuse queries from the test's thread afterwards.
    A browser test module overrides this fixture, naming its data fixtures."""
    return None


@pytest.fixture
def browser(request):
    """Debian's chromium under Playwright, started after ``browser_data``.
    Skipped (failed with CI=true) without chromium or axe-core."""
    from tests.browser_support import launched_chromium, require_chromium_and_axe

    require_chromium_and_axe()
    request.getfixturevalue("browser_data")
    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def artifacts():
    """The git-ignored folder for screenshots and reports."""
    from tests.browser_support import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
