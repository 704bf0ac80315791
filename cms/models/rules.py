"""The IOK rules adopted by the board, and the GDPR (RODO) privacy clause.

Both are edited by the board through the "approved by the board" moderation
workflow, which is attached to each page when it is created. Only that workflow
publishes them: no group, only superusers, may publish or unpublish them
directly (``BoardPagePermissionTester``; the approval itself publishes, see
``cms.workflow``).
"""

import datetime

from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index

from ledger.formatting import format_date

from .blocks import BodyBlock


class BoardPagePermissionTester(PagePermissionTester):
    """A group's "publish" right does not reach the board's pages: Wagtail's
    page permissions are inherited down the tree (Moderators and the board hold
    "publish" on the root), so the right is taken away here, for this page,
    for everyone but superusers. Publishing, unpublishing, scheduling, privacy
    settings and deleting the live page all ask for it; the board's approval
    publishes without it (``cms.workflow``)."""

    def __init__(self, user, page):
        super().__init__(user, page)
        if hasattr(self, "permissions"):  # not set for superusers
            self.permissions = self.permissions - {"publish"}


class BoardApprovedPageMixin:
    """Pages whose changes the board approves: the workflow is attached on
    creation, and only the workflow (or a superuser) publishes them."""

    def permissions_for_user(self, user):
        return BoardPagePermissionTester(user, self)

    def save(self, *args, **kwargs):
        creating = self._state.adding
        result = super().save(*args, **kwargs)
        if creating:
            from cms.services import page_assign_board_workflow

            page_assign_board_workflow(self)
        return result


class RulesPage(BoardApprovedPageMixin, RoutablePageMixin, Page):
    """The rules of using IOK (§IV.4: published rules are deemed delivered).

    Every published revision is a version; residents can read earlier versions and
    the version in force on a given day (``?dzien=YYYY-MM-DD``).
    """

    resolution_number = models.CharField(
        _("resolution number"),
        max_length=50,
        help_text=_("Number of the board's resolution, e.g. 733/2012."),
    )
    adopted_on = models.DateField(_("date of adoption"))
    effective_from = models.DateField(_("effective from"))
    body = StreamField(BodyBlock(), verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("resolution_number"),
                FieldPanel("adopted_on"),
                FieldPanel("effective_from"),
            ],
            heading=_("Resolution"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("resolution_number"),
        index.SearchField("body"),
    ]

    max_count = 1
    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("rules page")
        verbose_name_plural = _("rules pages")

    @property
    def resolution_label(self) -> str:
        """'Nr 733/2012 z dnia 21.11.2012': how the rules are cited."""
        return gettext("No. %(number)s of %(date)s") % {
            "number": self.resolution_number,
            "date": format_date(self.adopted_on),
        }

    def get_context(self, request, *args, **kwargs):
        from cms.queries import rules_versions

        context = super().get_context(request, *args, **kwargs)
        versions = rules_versions(self)
        context["versions"] = versions
        context["rules_page"] = self
        context["today"] = timezone.localdate()
        return context

    @path("")
    def current(self, request):
        from cms.queries import rules_version_on

        # "dzien" is the form's field; "on" is accepted for links from other apps.
        day_param = request.GET.get("dzien") or request.GET.get("on")
        if not day_param:
            return self.render(request)
        try:
            day = datetime.date.fromisoformat(day_param)
        except ValueError:
            return self.render(request, context_overrides={"day_error": True})
        version = rules_version_on(self, day)
        if version is None:
            return self.render(
                request, context_overrides={"day": day, "no_version_on_day": True}
            )
        if version.is_current:
            return redirect(self.url)
        return redirect(
            self.url + self.reverse_subpage("version", args=[version.revision_id])
        )

    @path("wersje/<int:revision_id>/", name="version")
    def version(self, request, revision_id: int):
        from cms.queries import rules_versions

        versions = rules_versions(self)
        shown = next((v for v in versions if v.revision_id == revision_id), None)
        if shown is None:
            raise Http404
        if shown.is_current:
            return redirect(self.url)
        earlier = self.revisions.get(pk=revision_id).as_object()
        return self.render(
            request,
            context_overrides={
                "page": earlier,
                "self": earlier,
                "shown_version": shown,
                "versions": versions,
            },
        )


class PrivacyClausePage(BoardApprovedPageMixin, Page):
    """The GDPR (RODO) information clause (rules §II.4), linked from every footer."""

    body = StreamField(BodyBlock(), verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    max_count = 1
    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("privacy clause page")
        verbose_name_plural = _("privacy clause pages")
