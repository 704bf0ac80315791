"""Fixtures for the public site: the demo page tree and a few helpers."""

import io

from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from wagtail.models import Page

import pytest

from cms import demo
from cms.models import HomePage, NoticeIndexPage, NoticePage, RulesPage


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The site links are cached; a rolled-back test must not leave stale URLs."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def _demo_seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once per test module inside an outer transaction.

    Each test's own ``db`` transaction nests inside it as a savepoint, so every
    test starts from the same freshly seeded tree; the whole module's changes are
    rolled back at the end. Seeding per test took seconds on PostgreSQL.
    """
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo.seed(stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()


@pytest.fixture
def demo_site(_demo_seeded, db):
    """The demo page tree of ``seed_demo`` (public site part)."""
    return HomePage.objects.get()


@pytest.fixture
def notice_index(demo_site) -> NoticeIndexPage:
    return NoticeIndexPage.objects.get()


@pytest.fixture
def rules_page(demo_site) -> RulesPage:
    return RulesPage.objects.get()


@pytest.fixture
def resident(django_user_model):
    """A plain logged-in user, as the member area will create for a resident."""
    return django_user_model.objects.create_user(username="100002", password="x1")


def add_notice(index: Page, slug: str, **fields) -> NoticePage:
    """A published notice under ``index``."""
    fields.setdefault("title", slug.replace("-", " ").capitalize())
    fields.setdefault("lead", f"Lead of {slug}")
    notice = NoticePage(slug=slug, **fields)
    index.add_child(instance=notice)
    notice.save_revision().publish()
    return notice
