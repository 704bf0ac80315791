from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Member area")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Connect every signal receiver of the app, in one place."""
        from . import audit, notifications, receivers
        from .area import receivers as area_receivers

        receivers.connect()
        area_receivers.connect()
        audit.connect()
        notifications.connect()
