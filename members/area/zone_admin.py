"""Admin screens "Strefy IOK" (Settings menu): the board and IT see every
zone's state and switch a zone on, suspend it (message, optional end time) or
switch it off. Every change goes through ``members.area.zones.zone_set()``."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.auth import user_passes_test
from wagtail.admin.menu import MenuItem

from members.models import ZoneState

from .zones import ZONES, State, zone_may_change, zone_set, zone_statuses


class ZoneStateForm(forms.Form):
    state = forms.ChoiceField(
        label=pgettext_lazy("iok", "State"),
        choices=State.choices,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=gettext_lazy("Message to residents"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Shown on the zone's pages and the dashboard while it is suspended."
        ),
    )
    until = forms.DateTimeField(
        label=gettext_lazy("Back on by itself at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        help_text=gettext_lazy("Optional. Empty: until someone switches it on."),
    )

    def clean(self):
        data = super().clean()
        if data.get("state") == State.SUSPENDED and not data.get("message"):
            self.add_error(
                "message",
                _("Tell residents why the zone is suspended (and until when)."),
            )
        return data


board_or_it_required = user_passes_test(zone_may_change)


@never_cache
@board_or_it_required
def zones_index(request: HttpRequest) -> HttpResponse:
    rows = {row.zone: row for row in ZoneState.objects.select_related("changed_by")}
    return TemplateResponse(
        request,
        "members/admin/zones_index.html",
        {
            "zones": [
                {"status": status, "row": rows.get(key)}
                for key, status in zone_statuses().items()
            ]
        },
    )


@never_cache
@board_or_it_required
@require_http_methods(["GET", "POST"])
def zone_edit(request: HttpRequest, key: str) -> HttpResponse:
    if key not in ZONES:
        raise Http404
    status = zone_statuses()[key]
    form = ZoneStateForm(
        request.POST or None,
        initial={
            "state": status.state,
            "message": status.message,
            "until": status.until,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            zone_set(
                key,
                form.cleaned_data["state"],
                message=form.cleaned_data["message"],
                until=form.cleaned_data["until"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Zone “%(zone)s” is now: %(state)s.")
                % {
                    "zone": ZONES[key].label,
                    "state": State(form.cleaned_data["state"]).label,
                },
            )
            return redirect("members_zones:index")
    return TemplateResponse(
        request,
        "members/admin/zone_edit.html",
        {"status": status, "form": form},
    )


@hooks.register("register_admin_urls")
def register_zone_urls():
    return [
        path(
            "members/zones/",
            include(
                (
                    [
                        path("", zones_index, name="index"),
                        path("<str:key>/", zone_edit, name="edit"),
                    ],
                    "members_zones",
                ),
                namespace="members_zones",
            ),
        )
    ]


class ZonesMenuItem(MenuItem):
    def is_shown(self, request):
        return zone_may_change(request.user)


@hooks.register("register_settings_menu_item")
def register_zones_menu_item():
    return ZonesMenuItem(
        gettext_lazy("IOK zones"),
        reverse("members_zones:index"),
        name="iok-zones",
        icon_name="cogs",
        order=905,
    )
