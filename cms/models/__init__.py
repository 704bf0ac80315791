"""Wagtail content of the public site."""

from .audience import Audience, CollectionAudience
from .blocks import BodyBlock, DocumentBlock, FigureBlock
from .community import (
    CommunityNoticeAttachment,
    CommunityNoticeIndexPage,
    CommunityNoticeMailing,
    CommunityNoticePage,
    CommunityNoticeSectionPage,
)
from .contact import ContactOffice, ContactPage
from .notices import NoticeAttachment, NoticeIndexPage, NoticePage
from .pages import HomePage, StandardPage
from .rules import PrivacyClausePage, RulesPage
from .settings import SiteSettings

__all__ = [
    "Audience",
    "BodyBlock",
    "CollectionAudience",
    "CommunityNoticeAttachment",
    "CommunityNoticeIndexPage",
    "CommunityNoticeMailing",
    "CommunityNoticePage",
    "CommunityNoticeSectionPage",
    "ContactOffice",
    "ContactPage",
    "DocumentBlock",
    "FigureBlock",
    "HomePage",
    "NoticeAttachment",
    "NoticeIndexPage",
    "NoticePage",
    "PrivacyClausePage",
    "RulesPage",
    "SiteSettings",
    "StandardPage",
]
