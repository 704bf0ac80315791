from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ledger.queries.balances import LAST_IMPORT_CACHE
        from ledger.signals import import_finished

        # "Data as of" changes as soon as an import run ends.
        import_finished.connect(
            LAST_IMPORT_CACHE.bump, dispatch_uid="ledger.last-import-cache"
        )
