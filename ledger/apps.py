from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from ledger import roles
        from ledger.models import DataImport
        from ledger.queries.balances import LAST_IMPORT_CACHE

        # "Data as of" changes as soon as an import record is saved.
        post_save.connect(
            LAST_IMPORT_CACHE.bump,
            sender=DataImport,
            dispatch_uid="ledger.last-import-cache",
        )
        roles.connect()
