from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_save

        from ledger import caching, roles
        from ledger.models import DataImport
        from ledger.queries.balances import LAST_IMPORT_CACHE

        # "Data as of" changes as soon as an import record is saved.
        post_save.connect(
            LAST_IMPORT_CACHE.bump,
            sender=DataImport,
            dispatch_uid="ledger.last-import-cache",
        )
        roles.connect()
        # The cache helper reads each version and value once per request.
        request_started.connect(
            caching.start_request_memo, dispatch_uid="ledger.caching.start"
        )
        request_finished.connect(
            caching.end_request_memo, dispatch_uid="ledger.caching.end"
        )
