from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Member area")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ledger.signals import import_finished

        from . import audit, receivers  # noqa: F401 - connects signal receivers

        import_finished.connect(
            audit.record_import, dispatch_uid="members.audit.record_import"
        )
