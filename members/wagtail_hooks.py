"""Wagtail admin: the office's account screens, staff 2FA, and the audit trail."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from wagtail_modeladmin.options import modeladmin_register

from ledger.modeladmin import ReadOnlyPermissionHelper, StaffModelAdmin

from . import admin_views
from .models import AuditEvent
from .todo import todo_for

admin_urlpatterns = [
    path("", admin_views.accounts_index, name="index"),
    path(
        "party/<int:party_pk>/create/",
        admin_views.account_create_view,
        name="create",
    ),
    path("<int:user_pk>/reset/", admin_views.account_reset_view, name="reset"),
    path("<int:user_pk>/block/", admin_views.account_block_view, name="block"),
    path("<int:user_pk>/unblock/", admin_views.account_unblock_view, name="unblock"),
    path("<int:user_pk>/unlock/", admin_views.lockout_reset_view, name="unlock"),
]
# Kept apart from the accounts URLs, which are audited as views of resident data.
staff_otp_urlpatterns = [
    path("", admin_views.staff_otp_index, name="staff-otp"),
    path("<int:user_pk>/open/", admin_views.staff_otp_open_view, name="staff-otp-open"),
    path(
        "<int:user_pk>/remove/",
        admin_views.staff_otp_remove_view,
        name="staff-otp-remove",
    ),
]


@hooks.register("register_admin_urls")
def register_account_urls():
    return [
        path(
            "members/",
            include(
                (
                    [
                        path("accounts/", include(admin_urlpatterns)),
                        path("staff-2fa/", include(staff_otp_urlpatterns)),
                    ],
                    "members_admin",
                ),
                namespace="members_admin",
            ),
        )
    ]


class _PermissionMenuItem(MenuItem):
    def __init__(self, *args, test, **kwargs):
        self.test = test
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return self.test(request.user)


@hooks.register("register_admin_menu_item")
def register_accounts_menu_item():
    return _PermissionMenuItem(
        _("Resident accounts"),
        reverse("members_admin:index"),
        name="resident-accounts",
        icon_name="user",
        order=900,
        test=lambda user: user.has_perm(admin_views.REGISTER),
    )


@hooks.register("register_settings_menu_item")
def register_staff_otp_menu_item():
    return _PermissionMenuItem(
        _("Staff two-factor authentication"),
        reverse("members_admin:staff-otp"),
        name="staff-2fa",
        icon_name="lock",
        order=900,
        test=lambda user: user.is_superuser,
    )


class AuditPermissionHelper(ReadOnlyPermissionHelper):
    """The audit trail can be read (``members.view_auditevent``), never changed,
    not even by a superuser."""

    def user_can_list(self, user):
        return user.has_perm("members.view_auditevent")

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and self.user_can_list(user)


class AuditEventAdmin(StaffModelAdmin):
    model = AuditEvent
    menu_label = _("Audit trail")
    menu_icon = "list-ul"
    menu_order = 910
    add_to_settings_menu = False
    permission_helper_class = AuditPermissionHelper
    inspect_view_enabled = True
    list_display = (
        "created_at",
        "event",
        "actor_username",
        "target_user",
        "target_party",
        "ip_address",
    )
    list_filter = ("event", "created_at")
    # ``?event=login_failed``: a short address for one kind of event.
    extra_lookups = ("event",)
    search_fields = (
        "actor_username",
        "target_user__username",
        "target_party__number",
        "target_party__name",
        "ip_address",
    )
    list_per_page = 50
    inspect_view_fields = (
        "created_at",
        "event",
        "actor_username",
        "actor",
        "target_user",
        "target_party",
        "ip_address",
        "details",
    )

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("target_user", "target_party")
        )


modeladmin_register(AuditEventAdmin)


# --- "Do załatwienia": the work waiting for this user (members/todo.py) ----------


class TodoPanel(Component):
    """The admin home page's list of waiting work the user may act on."""

    name = "todo"
    order = 50
    template_name = "members/admin/todo_panel.html"

    def __init__(self, entries):
        self.entries = entries

    def get_context_data(self, parent_context):
        return {
            "entries": self.entries,
            "waiting": sum(entry.count for entry in self.entries),
        }


@hooks.register("construct_homepage_panels")
def add_todo_panel(request, panels):
    entries = todo_for(request.user)
    if entries:
        panels.append(TodoPanel(entries))


# The member area's staff screens (reports, contact changes, residents' readings).
# The IOK zones screen (rules §III.3): members.area.zone_admin.
# Votes on housing-community resolutions: members.area.wagtail_hooks_votes.
# The outbox of e-mails: failures, bounces, "send again" (members.outbox_admin).
from members import outbox_admin  # noqa: E402, F401
from members.area import (  # noqa: E402, F401
    wagtail_hooks_area,
    wagtail_hooks_votes,
    zone_admin,
)
