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

from django.db.models import Q

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
    if user.is_superuser or user.is_staff:
        return True
    # Asked on every member request of a resident without a second factor
    # (members.middleware) and again by the pages: one EXISTS over the user's
    # own and their groups' permissions, kept on the user object for the rest
    # of the request as Django keeps ``has_perm``'s answers (``_perm_cache``).
    cached = getattr(user, "_office_staff_cache", None)
    if cached is None:
        from django.contrib.auth.models import Permission

        app_label, codename = ADMIN_ACCESS.split(".")
        cached = (
            Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
            .filter(Q(user=user) | Q(group__user=user))
            .exists()
        )
        user._office_staff_cache = cached
    return cached
