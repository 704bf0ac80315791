"""Accounts: residents and staff are both users.

Besides the login itself this app keeps two records the rest of the system relies on:
``UserSession`` (which session keys belong to which user, so that a password change
or a block can end them without scanning every session) and ``AuditEvent`` (who
did what to which account or party, and from where).
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ledger.roles import is_office_staff

__all__ = ["AccountState", "AuditEvent", "User", "UserSession"]


class AccountState(models.TextChoices):
    """What an account can do now; ``User.account_state`` decides it, and every
    screen (office accounts, the ledger's parties) shows its label."""

    ACTIVE = "active", pgettext_lazy("iok", "active")
    FIRST_LOGIN = "first_login", _("waiting for the first login")
    LOCKED_OUT = "locked_out", _("lockout after failed logins")
    BLOCKED = "blocked", pgettext_lazy("iok", "blocked")


class User(AbstractUser):
    """A login. Residents log in with their identifier (the username) and are
    linked to exactly one Party of the accounting system; staff have no party.

    ``must_change_password`` is set whenever the office issues a password (account
    creation or reset, rules §II.6 and §IV.3): until the user picks their own, every
    member URL leads to the change form. ``blocked_at`` marks an account the
    cooperative has blocked (§IV.1): such a user cannot log in and any open session
    ends on its next request.
    """

    party = models.OneToOneField(
        "ledger.Party",
        verbose_name=_("party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when the office issues a password; cleared by the user."),
    )
    password_changed_at = models.DateTimeField(
        _("password changed at"), null=True, blank=True
    )
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    blocked_reason = models.TextField(_("reason for blocking"), blank=True)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("blocked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    otp_enrolment_until = models.DateTimeField(
        _("two-factor enrolment open until"),
        null=True,
        blank=True,
        help_text=_(
            "Until this moment a staff member without a second factor may enrol "
            "one after signing in with the password."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            (
                "register_resident",
                _("Can register residents, issue access letters and block accounts"),
            ),
        ]

    @property
    def is_blocked(self) -> bool:
        """Blocked by the cooperative (§IV.1), or deactivated: cannot log in,
        and an open session ends on its next request."""
        return self.blocked_at is not None or not self.is_active

    @property
    def is_locked_out(self) -> bool:
        """django-axes refuses the identifier now (too many failed logins), from
        at least one address. ``members.lockout.load_lockouts`` reads it for a
        whole list at once."""
        if "_iok_locked_out" not in self.__dict__:
            from members.lockout import load_lockouts

            load_lockouts([self])
        return self.__dict__["_iok_locked_out"]

    @property
    def account_state(self) -> AccountState:
        """The one rule for an account's state, shown by every screen."""
        if self.is_blocked:
            return AccountState.BLOCKED
        if self.is_locked_out:
            return AccountState.LOCKED_OUT
        if self.must_change_password:
            return AccountState.FIRST_LOGIN
        return AccountState.ACTIVE

    @property
    def needs_second_factor(self) -> bool:
        """Office staff (``ledger.roles.is_office_staff``) must use 2FA."""
        return is_office_staff(self)

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class UserSession(models.Model):
    """One open session of a user: lets a password change or a block end all of a
    user's sessions by key, without scanning the session table."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="tracked_sessions",
    )
    session_key = models.CharField(_("session key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("user session")
        verbose_name_plural = _("user sessions")

    def __str__(self):
        return f"{self.user_id}:{self.session_key[:6]}…"


class AuditEvent(models.Model):
    """Something security-relevant happened: who did it (``actor``), when, from which
    IP, to which account (``target_user``) or party (``target_party``), and details.

    Rows are written only through ``members.audit.audit_record`` and are never
    edited: the model has only the "view" permission, and the admin is read-only.
    """

    class Event(models.TextChoices):
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGIN_BLOCKED = "login_blocked", _("login refused: account blocked")
        LOCKOUT = "lockout", _("lockout after failed logins")
        LOCKOUT_RESET = "lockout_reset", _("lockout lifted by staff")
        LOGOUT = "logout", _("logout")
        SESSION_EXPIRED = "session_expired", _("session expired (idle)")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        PASSWORD_RESET = "password_reset", _("password reset by the office")
        ACCOUNT_CREATED = "account_created", _("account created")
        LETTER_ISSUED = "letter_issued", _("access letter issued")
        BLOCKED = "blocked", _("account blocked")
        UNBLOCKED = "unblocked", _("account unblocked")
        OTP_FAILED = "otp_failed", _("wrong two-factor code")
        OTP_ENROLLED = "otp_enrolled", _("two-factor device added")
        OTP_REMOVED = "otp_removed", _("two-factor device removed")
        OTP_ENROLMENT_OPENED = "otp_enrolment_opened", _("two-factor enrolment opened")
        STAFF_VIEW = "staff_view", _("staff viewed resident data")
        DATA_IMPORT = "data_import", _("data import")
        DATA_EXPORT = "data_export", _("data export")
        ZONE_CHANGED = "zone_changed", _("zone of the member area switched")
        VOTE_CAST = "vote_cast", _("vote cast on a resolution")
        VOTE_CHANGED = "vote_changed", _("vote on a resolution changed")
        REPAIR_STATUS = "repair_status", _("repair request status changed")
        DOCUMENT_DOWNLOADED = "document_downloaded", _("personal document downloaded")

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A copy of the identifier: the row must still say who it was if the user is
    # deleted, and failed logins have no user at all.
    actor_username = models.CharField(_("identifier"), max_length=150, blank=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_party = models.ForeignKey(
        "ledger.Party",
        verbose_name=_("party concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-id"]
        # Read-only by design: no add/change/delete permissions exist to grant.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["event", "-created_at"]),
            models.Index(fields=["target_user", "-created_at"]),
            models.Index(fields=["target_party", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_event_display()}"
