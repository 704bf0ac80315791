"""Keep the cached site links and notice lists in step with pages, documents,
page privacy and settings (``ledger.caching`` namespaces ``site-links`` and
``notices``)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.middleware import bump_public_pages
from cms.queries import NOTICES_CACHE
from cms.site_links import clear_site_links_cache


def _on_model_change(sender, instance, **kwargs) -> None:
    from cms.models import SiteSettings

    # post_save names the concrete class (RulesPage, not Page), hence isinstance.
    # Any page counts: a slug change or a move can change a linked URL, and page
    # saves are editors' actions, rare enough not to filter further.
    if isinstance(instance, (Page, SiteSettings, get_document_model())):
        clear_site_links_cache()
    if isinstance(instance, (Page, PageViewRestriction)):
        NOTICES_CACHE.bump()


def _on_community_created(sender, instance, created, raw=False, **kwargs) -> None:
    """A new housing community gets its document collection at once, so editors
    can upload its files before its first notice (``cms.audiences``)."""
    if created and not raw:
        from cms.audiences import audience_collection
        from cms.models.audience import Audience

        audience_collection(Audience.COMMUNITY, instance)


def connect() -> None:
    from ledger.models import HousingCommunity

    post_save.connect(
        _on_community_created,
        sender=HousingCommunity,
        dispatch_uid="cms-community-collection",
    )
    page_published.connect(clear_site_links_cache, dispatch_uid="cms-links-publish")
    page_unpublished.connect(clear_site_links_cache, dispatch_uid="cms-links-unpub")
    post_page_move.connect(clear_site_links_cache, dispatch_uid="cms-links-move")
    page_published.connect(NOTICES_CACHE.bump, dispatch_uid="cms-notices-publish")
    page_unpublished.connect(NOTICES_CACHE.bump, dispatch_uid="cms-notices-unpub")
    post_page_move.connect(NOTICES_CACHE.bump, dispatch_uid="cms-notices-move")
    post_save.connect(_on_model_change, dispatch_uid="cms-links-save")
    post_delete.connect(_on_model_change, dispatch_uid="cms-links-delete")
    # The public page cache (cms.middleware): any change to content, settings,
    # snippets, files, redirects or page privacy; publishing and moving.
    page_published.connect(bump_public_pages, dispatch_uid="cms-pages-publish")
    page_unpublished.connect(bump_public_pages, dispatch_uid="cms-pages-unpub")
    post_page_move.connect(bump_public_pages, dispatch_uid="cms-pages-move")
    post_save.connect(bump_public_pages, dispatch_uid="cms-pages-save")
    post_delete.connect(bump_public_pages, dispatch_uid="cms-pages-delete")
    m2m_changed.connect(bump_public_pages, dispatch_uid="cms-pages-m2m")
