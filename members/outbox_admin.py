"""The outbox in the Wagtail admin ("E-maile", under the settings menu): every
message the portal sent or tried to send, with filters by status and topic,
and three actions on a message: queue it again (a failed one: its body is
still kept), mark it bounced (a DSN or the resident said it never arrived;
``manage.py record_bounces`` does it from the DSNs themselves), and mark it
handled (it leaves the office's to-do list). Imported by
``members/wagtail_hooks.py``."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wagtail import hooks

from wagtail_modeladmin.helpers import ButtonHelper
from wagtail_modeladmin.options import modeladmin_register

from ledger.modeladmin import ReadOnlyPermissionHelper, StaffModelAdmin

from .models import OutgoingEmail
from .outbox import outbox_mark_bounced, outbox_retry

Status = OutgoingEmail.Status

ACTIONS = {
    "retry": gettext_lazy("Send again"),
    "bounced": gettext_lazy("Mark as bounced"),
    "handled": gettext_lazy("Mark as handled"),
}


def _allowed(action: str, email: OutgoingEmail) -> bool:
    if action == "retry":
        return email.status in (Status.FAILED, Status.BOUNCED) and bool(
            email.text or email.html
        )
    if action == "bounced":
        return email.status == Status.SENT
    return email.status in (Status.FAILED, Status.BOUNCED) and not email.handled_at


class OutgoingEmailButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, **kwargs):
        buttons = super().get_buttons_for_obj(obj, **kwargs)
        if not self.request.user.has_perm("members.change_outgoingemail"):
            return buttons
        for action, label in ACTIONS.items():
            if _allowed(action, obj):
                buttons.append(
                    {
                        "url": reverse("members_outbox_action", args=[obj.pk, action]),
                        "label": label,
                        "classname": "button button-small button-secondary",
                        "title": label,
                    }
                )
        return buttons


class OutgoingEmailAdmin(StaffModelAdmin):
    model = OutgoingEmail
    menu_label = gettext_lazy("E-mails")
    menu_icon = "mail"
    menu_order = 920
    add_to_settings_menu = True
    permission_helper_class = ReadOnlyPermissionHelper
    button_helper_class = OutgoingEmailButtonHelper
    inspect_view_enabled = True
    list_display = (
        "created_at",
        "to",
        "topic",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "topic", "created_at")
    search_fields = ("to", "subject")
    list_per_page = 50
    inspect_view_fields = (
        "created_at",
        "to",
        "user",
        "topic",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "bounced_at",
        "handled_at",
        "message_id",
    )


modeladmin_register(OutgoingEmailAdmin)


@permission_required("members.change_outgoingemail", raise_exception=True)
@require_http_methods(["GET", "POST"])
def outbox_action_view(request, pk: int, action: str):
    email = get_object_or_404(OutgoingEmail, pk=pk)
    if action not in ACTIONS:
        raise PermissionDenied
    index = reverse("members_outgoingemail_modeladmin_index")
    if not _allowed(action, email):
        messages.error(request, _("This action does not apply to this e-mail."))
        return redirect(index)
    if request.method == "POST":
        if action == "retry":
            outbox_retry([email])
            OutgoingEmail.objects.filter(pk=pk).update(handled_at=timezone.now())
        elif action == "bounced":
            outbox_mark_bounced(rows=[email])
        else:
            OutgoingEmail.objects.filter(pk=pk).update(handled_at=timezone.now())
        messages.success(request, _("Done: %(action)s.") % {"action": ACTIONS[action]})
        return redirect(index)
    return render(
        request,
        "members/admin/outbox_action.html",
        {"email": email, "action": action, "label": ACTIONS[action]},
    )


@hooks.register("register_admin_urls")
def register_outbox_admin_urls():
    return [
        path(
            "outbox/<int:pk>/<str:action>/",
            outbox_action_view,
            name="members_outbox_action",
        )
    ]
