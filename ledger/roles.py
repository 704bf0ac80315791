"""Names of the office staff groups (created by migration 0003_staff_groups).

* ``REGISTRARS`` ("Rejestratorzy") register residents and answer discrepancy
  reports: they see all the books and may correct a party's contact data.
* ``ACCOUNTANTS`` ("Księgowość") run imports and look after the books: they may
  add and change structure, parties, rights, schedules, loans, meters, readings
  and memberships; ledger entries, loan entries and imports stay read-only.
* Editors use Wagtail's own "Editors" and "Moderators" groups.
"""

REGISTRARS = "Rejestratorzy"
ACCOUNTANTS = "Księgowość"
