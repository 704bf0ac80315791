"""Staff screens of the votes on resolutions ("Głosowania" in the admin):
votes (resolution, text, window, deciding rule), their attachments (private
files), the ballots (read-only), and per vote the result at any time and the
list of votes for the minutes as PDF and CSV. The rules are in
``members.area.votes``; this file only shows them. Imported by
``members/wagtail_hooks.py``.
"""

from django.conf import settings
from django.contrib.admin import SimpleListFilter
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
)

from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from ledger.modeladmin import ReadOnlyPermissionHelper, StaffModelAdmin
from ledger.models import HousingCommunity
from members.audit import Event, audit_record
from members.models import Ballot, Vote, VoteAttachment
from members.validators import validate_report_attachment

from . import services, votes
from .vote_views import attachment_response


class CommunityFilter(SimpleListFilter):
    """Votes (or their attachments) of one housing community (Django's
    related-field filter needs ``django.contrib.admin``, not installed)."""

    title = gettext_lazy("housing community")
    parameter_name = "community"
    field = "community_id"

    def lookups(self, request, model_admin):
        return [(str(c.pk), c.name) for c in HousingCommunity.objects.all()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{self.field: int(self.value())})
        return queryset


class VoteCommunityFilter(CommunityFilter):
    field = "vote__community_id"


class VoteFilter(SimpleListFilter):
    title = gettext_lazy("vote")
    parameter_name = "vote"

    def lookups(self, request, model_admin):
        return [(str(v.pk), str(v)) for v in Vote.objects.order_by("-opens_at")[:50]]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(vote_id=int(self.value()))
        return queryset


class VoteForm(WagtailAdminModelForm):
    #: What the owners vote on: fixed once the voting has opened (the window
    #: may still be extended).
    FIXED_WHEN_OPEN = ("community", "number", "title", "text", "rule", "opens_at")

    def clean(self):
        cleaned_data = super().clean()
        stored = (
            Vote.objects.filter(pk=self.instance.pk).first()
            if self.instance.pk
            else None
        )
        if stored is not None and stored.opens_at <= timezone.now():
            for name in self.FIXED_WHEN_OPEN:
                if name in self.changed_data:
                    self.add_error(
                        name,
                        ValidationError(
                            _("The voting has opened: this can no longer change.")
                        ),
                    )
        return cleaned_data

    def save(self, commit=True):
        if self.instance.pk is None and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit=commit)


class VotePermissionHelper(PermissionHelper):
    """A vote with ballots is kept as it was put to the owners: never
    deleted; its text, community and rule are not changed once it opened
    (the window may still be extended)."""

    def user_can_delete_obj(self, user, obj):
        return not obj.ballots.exists() and super().user_can_delete_obj(user, obj)

    def user_can_edit_obj(self, user, obj):
        return obj.closed_noticed_at is None and super().user_can_edit_obj(user, obj)


class VoteAdmin(StaffModelAdmin):
    model = Vote
    menu_label = gettext_lazy("Votes")
    menu_icon = "tasks"
    list_display = ("number", "title", "community", "opens_at", "closes_at", "links")
    list_filter = (CommunityFilter,)
    list_select_related = ("community",)
    search_fields = ("number", "title", "community__name")
    ordering = ("-opens_at",)
    inspect_view_enabled = True
    permission_helper_class = VotePermissionHelper
    edit_handler = ObjectList(
        [
            FieldPanel("community"),
            FieldRowPanel([FieldPanel("number"), FieldPanel("rule")]),
            FieldPanel("title"),
            FieldPanel("text"),
            MultiFieldPanel(
                [FieldPanel("opens_at"), FieldPanel("closes_at")],
                heading=gettext_lazy("Voting window"),
            ),
        ],
        base_form_class=VoteForm,
    )

    def links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">PDF</a> · <a href="{}">CSV</a>',
            reverse("members_votes_admin:result", args=[obj.pk]),
            _("Result"),
            reverse("members_votes_admin:minutes-pdf", args=[obj.pk]),
            reverse("members_votes_admin:minutes-csv", args=[obj.pk]),
        )

    links.short_description = gettext_lazy("Result and minutes")


class VoteAttachmentForm(WagtailAdminModelForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload
            validate_report_attachment(
                upload,
                name=services.attachment_name(upload.name),
                limit=settings.IOK_REPORT_ATTACHMENT_MAX_BYTES,
            )
        return upload

    def save(self, commit=True):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):
            self.instance.name = services.attachment_name(upload.name)
            upload.name = self.instance.name
        return super().save(commit=commit)


class VoteAttachmentAdmin(StaffModelAdmin):
    model = VoteAttachment
    menu_label = gettext_lazy("Attachments of votes")
    menu_icon = "doc-full"
    list_display = ("vote", "download", "uploaded_at")
    list_select_related = ("vote",)
    list_filter = (VoteCommunityFilter,)
    search_fields = ("name", "vote__number", "vote__title")
    edit_handler = ObjectList(
        [FieldPanel("vote"), FieldPanel("file")],
        base_form_class=VoteAttachmentForm,
    )

    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("members_votes_admin:attachment", args=[obj.pk]),
            str(obj),
        )

    download.short_description = gettext_lazy("file")


class BallotAdmin(StaffModelAdmin):
    model = Ballot
    menu_label = gettext_lazy("Ballots")
    menu_icon = "list-ul"
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    list_display = ("vote", "unit", "choice", "party", "changed_at", "receipt")
    list_filter = (VoteFilter, "choice")
    list_select_related = ("vote", "unit__building", "party")
    search_fields = ("receipt", "unit__code", "party__name", "party__number")
    ordering = ("vote", "unit__code")


class VotesAdminGroup(ModelAdminGroup):
    menu_label = gettext_lazy("Votes")
    menu_icon = "tasks"
    menu_order = 260
    items = (VoteAdmin, VoteAttachmentAdmin, BallotAdmin)


modeladmin_register(VotesAdminGroup)


# --- Result, minutes and attachments -----------------------------------------------


def _minutes_audit(request, vote: Vote, kind: str) -> None:
    audit_record(
        actor=request.user,
        event=Event.DATA_EXPORT,
        request=request,
        export="vote_minutes",
        format=kind,
        vote=vote.pk,
        resolution=vote.number,
    )


@permission_required("members.view_ballot", raise_exception=True)
def vote_result_admin_view(request, pk: int):
    vote = get_object_or_404(Vote.objects.select_related("community"), pk=pk)
    return render(
        request,
        "members/admin/vote_result.html",
        {
            "vote": vote,
            "result": votes.vote_result(vote),
            "rule_text": votes.rule_text(vote),
            "rows": votes.minutes_rows(vote),
            "is_open": vote.is_open(),
            "closed": vote.is_closed(),
        },
    )


@permission_required("members.view_ballot", raise_exception=True)
def minutes_pdf_admin_view(request, pk: int):
    vote = get_object_or_404(Vote.objects.select_related("community"), pk=pk)
    _minutes_audit(request, vote, "pdf")
    response = HttpResponse(votes.minutes_pdf(vote), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="glosowanie-{vote.pk}-{timezone.localdate()}.pdf"'
    )
    return response


@permission_required("members.view_ballot", raise_exception=True)
def minutes_csv_admin_view(request, pk: int):
    vote = get_object_or_404(Vote.objects.select_related("community"), pk=pk)
    _minutes_audit(request, vote, "csv")
    response = HttpResponse(
        votes.minutes_csv(vote), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="glosowanie-{vote.pk}-{timezone.localdate()}.csv"'
    )
    return response


@permission_required("members.view_voteattachment", raise_exception=True)
def vote_attachment_admin_view(request, pk: int):
    attachment = get_object_or_404(VoteAttachment, pk=pk)
    response = attachment_response(attachment)
    response["Cache-Control"] = "private, no-store"
    return response


@hooks.register("register_admin_urls")
def register_votes_admin_urls():
    from django.urls import include

    return [
        path(
            "votes/",
            include(
                (
                    [
                        path("<int:pk>/result/", vote_result_admin_view, name="result"),
                        path(
                            "<int:pk>/minutes.pdf",
                            minutes_pdf_admin_view,
                            name="minutes-pdf",
                        ),
                        path(
                            "<int:pk>/minutes.csv",
                            minutes_csv_admin_view,
                            name="minutes-csv",
                        ),
                        path(
                            "attachments/<int:pk>/",
                            vote_attachment_admin_view,
                            name="attachment",
                        ),
                    ],
                    "members_votes_admin",
                ),
                namespace="members_votes_admin",
            ),
        )
    ]
