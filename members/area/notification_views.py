"""The resident's e-mail notifications (issue 18): the page where they choose
topics ("Powiadomienia", in the member menu; always there, not a zone: it
shows no data of the cooperative's records, only the resident's own choices),
and the one-click unsubscribe link of every notification e-mail, which works
without logging in (``members.notifications``: a signed token for one
account, address and topic)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cms.queries import account_email
from members import notifications
from members.decorators import member_required

from .views import _render


class NotificationPreferencesForm(forms.Form):
    """One checkbox per topic of ``members.notifications.TOPICS``."""

    def __init__(self, *args, initial: dict[str, bool], **kwargs):
        super().__init__(*args, initial=initial, **kwargs)
        for topic in notifications.TOPICS:
            self.fields[topic.key] = forms.BooleanField(
                label=topic.label, help_text=topic.help, required=False
            )


@member_required
@require_http_methods(["GET", "POST"])
def notifications_view(request: HttpRequest) -> HttpResponse:
    current = notifications.preferences_for(request.user)
    form = NotificationPreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        notifications.preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your choices have been saved."))
        return redirect("members:notifications")
    return _render(
        request,
        "notifications.html",
        {"form": form, "address": account_email(request.user)},
    )


@never_cache
@csrf_exempt  # RFC 8058: mail programs POST without a session; the token decides
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page asking to confirm; POST (the page's button, or a mail
    program's one-click ``List-Unsubscribe=One-Click``): switch off the token's
    topic for the token's account. A token that is not valid: 400 and a
    Polish explanation, nothing changed."""
    found = notifications.unsubscribe_read(token)
    if found is None:
        return render(
            request, "members/unsubscribe.html", {"invalid": True}, status=400
        )
    done = request.method == "POST"
    if done:
        notifications.unsubscribe_apply(found)
    return render(request, "members/unsubscribe.html", {"found": found, "done": done})
