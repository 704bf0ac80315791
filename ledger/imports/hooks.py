"""Wagtail registration of the import screen; imported by ledger/wagtail_hooks.py.

The screen's menu item goes into the Records ("Ewidencja") group that
ledger/wagtail_hooks.py builds with wagtail-modeladmin: that group's submenu is
a fixed list, so the item is added to it once, the first time the main menu is
built.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem, SubmenuMenuItem

from . import admin_views

app_name = "ledger_imports"
urlpatterns = [
    path("", admin_views.upload, name="upload"),
    path("<int:pk>/", admin_views.status, name="status"),
    path("<int:pk>/confirm/", admin_views.confirm, name="confirm"),
]


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("ledger-imports/", include((urlpatterns, app_name)))]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_import(request.user)


def import_menu_item() -> ImportMenuItem:
    return ImportMenuItem(
        _("Data import"),
        reverse("ledger_imports:upload"),
        name="ledger-data-import",
        icon_name="upload",
        order=10_000,
    )


@hooks.register("construct_main_menu")
def add_import_to_records_menu(request, menu_items):
    for item in menu_items:
        if not isinstance(item, SubmenuMenuItem):
            continue
        items = item.menu.registered_menu_items
        if not any("/admin/ledger/" in getattr(i, "url", "") for i in items):
            continue  # not the Records group
        if not any(isinstance(i, ImportMenuItem) for i in items):
            items.append(import_menu_item())
        return
    # No Records group for this user (it shows only what they may see): give the
    # accountant the screen as a top-level item.
    if admin_views.can_import(request.user):
        menu_items.append(import_menu_item())
