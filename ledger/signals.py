"""Signals the ledger app sends. Other apps listen; the ledger imports none of
them (imports flow members → cms → ledger).

``import_finished``: an import run ended (``ledger.imports.services.
data_import_run``), whatever the outcome, sent with ``sender=DataImport`` and
these keyword arguments:

* ``data_import``: the DataImport row of the run (None for a file skipped as
  already imported when no row was prepared for it);
* ``user``: who ran it (the uploader in the admin, ``--user`` of the command),
  or None;
* ``kind``, ``file_name``, ``source``, ``checksum``: what was imported;
* ``status``: ``succeeded``, ``failed`` (rejected file or error), ``dry_run`` or
  ``skipped`` (the same file again);
* ``dry_run``; the counts ``rows``, ``inserted``, ``updated``, ``unchanged``,
  ``removed`` and ``error_count``.

``members.audit`` records it in the audit trail; the cache of the last import's
time may be invalidated on it too.
"""

from django.dispatch import Signal

import_finished = Signal()

# ``personal_documents_added``: documents addressed to residents were imported
# or uploaded (issue 18), sent after the commit with ``sender=PersonalDocument``
# and ``document_ids``, the primary keys of the new documents.
personal_documents_added = Signal()
