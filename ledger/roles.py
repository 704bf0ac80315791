"""Names of the office staff groups (created by migration 0003_staff_groups).

* ``REGISTRARS`` ("Rejestratorzy") register residents and answer discrepancy
  reports: they see all the books and may correct a party's contact data.
* ``ACCOUNTANTS`` ("Księgowość") run imports and look after the books: they may
  add and change structure, parties, rights, schedules, loans, meters, readings
  and memberships, and add personal documents (registrars list them); ledger
  entries, loan entries and imports stay read-only.
* Editors use Wagtail's own "Editors" and "Moderators" groups.

``is_office_staff`` is the one rule for who counts as office staff. It lives
here, in the lowest app, so that ``cms`` and ``members`` can both ask it.
"""

from django.db.models import Q

from ledger.caching import namespace

#: Wagtail's permission to open the admin (granted through the staff groups).
ADMIN_ACCESS = "wagtailadmin.access_admin"

#: Whether a user reaches the admin through a permission (``is_office_staff``).
OFFICE_STAFF_CACHE = namespace("office-staff", timeout=300)

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
    # (members.middleware) and again by the pages: the answer is kept in the
    # cache (namespace "office-staff", renewed whenever a user's groups or
    # permissions, or a group's permissions, change: ``connect()``) and on the
    # user object for the rest of the request, as Django keeps ``has_perm``'s.
    cached = getattr(user, "_office_staff_cache", None)
    if cached is None:
        cached = OFFICE_STAFF_CACHE.get_or_set(
            (user.pk,), lambda: _has_admin_access(user)
        )
        user._office_staff_cache = cached
    return cached


def _has_admin_access(user) -> bool:
    """The admin permission through the user's own or their groups'
    permissions, in one EXISTS query."""
    from django.contrib.auth.models import Permission

    app_label, codename = ADMIN_ACCESS.split(".")
    return (
        Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


def connect() -> None:
    """Renew the office-staff answers when who holds which permission changes
    (called by ``LedgerConfig.ready()``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete

    user_model = get_user_model()
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            OFFICE_STAFF_CACHE.bump,
            sender=through,
            dispatch_uid=f"ledger.roles.office-staff.{through._meta.label}",
        )
    for model in (Group, Permission):
        post_delete.connect(
            OFFICE_STAFF_CACHE.bump,
            sender=model,
            dispatch_uid=f"ledger.roles.office-staff.{model._meta.label}",
        )
