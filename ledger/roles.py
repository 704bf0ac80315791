"""Names of the office staff groups (created by migration 0003_staff_groups).

* ``REGISTRARS`` ("Rejestratorzy") register residents and answer discrepancy
  reports: they see all the books and may correct a party's contact data.
* ``ACCOUNTANTS`` ("Księgowość") run imports and look after the books: they may
  add and change structure, parties, rights, schedules, loans, meters, readings
  and memberships; ledger entries, loan entries and imports stay read-only.
* Editors use Wagtail's own "Editors" and "Moderators" groups.

``is_office_staff`` is the one rule for who counts as office staff. It lives
here, in the lowest app, so that ``cms`` and ``members`` can both ask it.
"""

#: Wagtail's permission to open the admin (granted through the staff groups).
ADMIN_ACCESS = "wagtailadmin.access_admin"

REGISTRARS = "Rejestratorzy"
ACCOUNTANTS = "Księgowość"


def is_office_staff(user) -> bool:
    """Office staff: an active user who can reach the Wagtail admin (superusers,
    ``is_staff`` accounts, and members of a group with the admin permission).

    The same people must use a second factor, read every housing community's
    notices, and are never managed as residents on the office screens.
    """
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or user.is_staff or user.has_perm(ADMIN_ACCESS))
