"""Fixtures for the public site: the demo page tree and a few helpers."""

import io

from django.core.cache import cache

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


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def demo_site(db, settings, _media_root):
    """The demo page tree of ``seed_demo`` (public site part)."""
    settings.MEDIA_ROOT = _media_root
    demo.seed(stdout=io.StringIO())
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
