"""Wagtail content of the public site."""

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
    "BodyBlock",
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
