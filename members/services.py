"""Account writes: registration at the office, password changes, blocking, sessions.

Every function that changes an account writes the audit trail itself, so a view
cannot forget it.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from axes.handlers.proxy import AxesProxyHandler

from ledger.models import Party
from ledger.roles import is_office_staff

from .audit import Event, audit_record, client_ip
from .models import UserSession
from .otp import devices_remove, has_second_factor
from .queries import holds_a_right

# No 0/O, 1/l/I: the first password is typed from paper.
PASSWORD_LOWER = "abcdefghijkmnopqrstuvwxyz"  # noqa: S105 - alphabet
PASSWORD_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # noqa: S105 - alphabet
PASSWORD_DIGITS = "23456789"  # noqa: S105 - alphabet
PASSWORD_SPECIALS = "!#%+-=?@"  # noqa: S105 - alphabet


# --- Sessions ---------------------------------------------------------------------


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_track(request: HttpRequest, user) -> None:
    """Remember that the request's session belongs to ``user``."""
    session = request.session
    if not session.session_key:
        session.save()
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def sessions_end(*, user, keep_session_key: str | None = None) -> int:
    """End every session of ``user`` except ``keep_session_key``; return how many."""
    store = _session_store()
    rows = UserSession.objects.filter(user=user)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    rows.delete()
    return len(keys)


def session_forget(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


# --- Passwords --------------------------------------------------------------------


def first_password_generate(user=None) -> str:
    """A random first password for the access letter, valid under the current
    password settings (length, character classes), from ``secrets``."""
    length = max(settings.IOK_FIRST_PASSWORD_LENGTH, settings.IOK_PASSWORD_MIN_LENGTH)
    for _attempt in range(100):
        chars = [
            secrets.choice(PASSWORD_LOWER),
            secrets.choice(PASSWORD_UPPER),
            secrets.choice(PASSWORD_DIGITS),
            secrets.choice(PASSWORD_DIGITS),
        ]
        if settings.IOK_PASSWORD_REQUIRE_SPECIAL:
            chars.append(secrets.choice(PASSWORD_SPECIALS))
        pool = PASSWORD_LOWER + PASSWORD_UPPER + PASSWORD_DIGITS
        chars += [secrets.choice(pool) for _i in range(length - len(chars))]
        # Fisher-Yates with a CSPRNG (random.shuffle is not for secrets).
        for i in range(len(chars) - 1, 0, -1):
            j = secrets.randbelow(i + 1)
            chars[i], chars[j] = chars[j], chars[i]
        password = "".join(chars)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password
    raise RuntimeError("could not generate a first password that passes validation")


@transaction.atomic
def password_change(*, request: HttpRequest, user, new_password: str) -> None:
    """The user sets their own password (first login or later).

    Clears the "must change" state, rotates the session key, ends every other
    session of the user (on any device), and writes the audit trail.
    """
    was_forced = user.must_change_password
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    old_key = request.session.session_key
    # New session key and a new auth hash for this session.
    update_session_auth_hash(request, user)
    session_forget(old_key)
    ended = sessions_end(user=user, keep_session_key=request.session.session_key)
    session_track(request, user)
    audit_record(
        actor=user,
        event=Event.PASSWORD_CHANGED,
        target=user,
        request=request,
        first_login=was_forced,
        other_sessions_ended=ended,
    )


# --- Registration at the office (§II.1–6, §IV.3) ----------------------------------


def identifier_for_party(party: Party) -> str:
    """The party number when it is free and usable as a login, else a random one."""
    user_model = get_user_model()
    username_field = user_model._meta.get_field(user_model.USERNAME_FIELD)
    candidate = party.number.strip()
    try:
        for validator in username_field.validators:
            validator(candidate)
    except ValidationError:
        candidate = ""
    if (
        candidate
        and not user_model._default_manager.filter(username__iexact=candidate).exists()
    ):
        return candidate
    while True:
        candidate = f"{secrets.randbelow(10**8):08d}"
        if not user_model._default_manager.filter(username=candidate).exists():
            return candidate


def party_may_register(party: Party) -> bool:
    """An account is only for a party holding a right to a unit today (a
    former holder, whose right ended, gets none)."""
    return (
        Party.objects.filter(pk=party.pk)
        .filter(holds_a_right(on=timezone.localdate()))
        .exists()
    )


class RegistrationError(Exception):
    """The office action cannot be done (shown to the registrar)."""


class NoCurrentRight(RegistrationError):
    """The party holds no right to any unit today: no account is created."""


class LetterAlreadyIssued(RegistrationError):
    """The confirmation ``letter`` has issued its password already (a reload of
    the letter page): nothing new is issued, the printed password still works."""


def letter_was_issued(*, party_id: int, letter: str) -> bool:
    """Whether the confirmation ``letter`` (the one-time value of the
    confirmation form) has already issued an access letter for the party.
    The audit trail is the record: every letter's row carries its value."""
    from .models import AuditEvent

    return bool(letter) and (
        AuditEvent.objects.filter(
            event=Event.LETTER_ISSUED, target_party_id=party_id, details__letter=letter
        ).exists()
    )


@transaction.atomic
def account_create(
    *, party: Party, registrar, request: HttpRequest | None = None, letter: str = ""
):
    """Create the resident's account after the ID check at the office.

    Returns ``(user, first_password)``. The password is stored only hashed; the
    caller prints it on the access letter in the same response and forgets it.
    ``letter`` is the one-time value of the confirmation the registrar sent:
    sent again, it raises ``LetterAlreadyIssued``.
    """
    party = Party.objects.select_for_update().get(pk=party.pk)
    if letter_was_issued(party_id=party.pk, letter=letter):
        raise LetterAlreadyIssued("This letter was issued already.")
    user_model = get_user_model()
    if user_model._default_manager.filter(party=party).exists():
        raise RegistrationError("This party already has an account.")
    if not party_may_register(party):
        raise NoCurrentRight("This party holds no right to a unit today.")
    user = user_model(
        username=identifier_for_party(party),
        party=party,
        email=party.email,
    )
    password = _first_password_issue(
        user=user,
        registrar=registrar,
        event=Event.ACCOUNT_CREATED,
        reason="account_created",
        request=request,
        letter=letter,
    )
    return user, password


def _first_password_issue(
    *, user, registrar, event, reason: str, request, letter: str, update_fields=None
) -> str:
    """Give ``user`` a new first password, to be changed at the next login,
    and audit ``event`` with the access letter that carries the password
    (``reason`` says why it was issued, ``letter`` which confirmation issued
    it). Returns the password for the letter."""
    password = first_password_generate(user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=update_fields)
    audit_record(actor=registrar, event=event, target=user, request=request)
    audit_record(
        actor=registrar,
        event=Event.LETTER_ISSUED,
        target=user,
        request=request,
        reason=reason,
        letter=letter,
    )
    return password


def _check_resident(user) -> None:
    # Office screens manage residents only; staff accounts belong to administrators.
    if user.party_id is None or is_office_staff(user):
        raise RegistrationError("Only resident accounts are managed here.")


@transaction.atomic
def account_password_reset(
    *, user, registrar, request: HttpRequest | None = None, letter: str = ""
):
    """Issue a new first password after a lost one (§IV.3).

    Ends the user's sessions, lifts a lockout on the identifier, sets the
    "must change" state; returns the new password for the letter. The resident's
    optional two-factor devices are removed too: the office has just checked their
    identity in person, and a lost password often comes with a lost phone.
    ``letter`` is the one-time value of the registrar's confirmation: sent again
    (a reload of the letter page), it raises ``LetterAlreadyIssued`` and the
    password already printed keeps working.
    """
    _check_resident(user)
    # One letter per confirmation, also when two requests race: the account's
    # row is locked until this transaction ends.
    get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
    if letter_was_issued(party_id=user.party_id, letter=letter):
        raise LetterAlreadyIssued("This letter was issued already.")
    if has_second_factor(user):
        devices_remove(user=user, actor=registrar, request=request)
    password = _first_password_issue(
        user=user,
        registrar=registrar,
        event=Event.PASSWORD_RESET,
        reason="password_reset",
        request=request,
        letter=letter,
        update_fields=["password", "must_change_password", "password_changed_at"],
    )
    sessions_end(user=user)
    AxesProxyHandler.reset_attempts(username=user.get_username())
    return password


@transaction.atomic
def account_block(*, user, actor, reason: str, request: HttpRequest | None = None):
    """Block an account (§IV.1): no login, and every open session ends now."""
    _check_resident(user)
    reason = reason.strip()
    if not reason:
        raise RegistrationError("A reason is required.")
    user.blocked_at = timezone.now()
    user.blocked_reason = reason
    user.blocked_by = actor
    user.save(update_fields=["blocked_at", "blocked_reason", "blocked_by"])
    ended = sessions_end(user=user)
    audit_record(
        actor=actor,
        event=Event.BLOCKED,
        target=user,
        request=request,
        reason=reason,
        sessions_ended=ended,
    )


@transaction.atomic
def account_unblock(*, user, actor, request: HttpRequest | None = None):
    _check_resident(user)
    previous_reason = user.blocked_reason
    user.blocked_at = None
    user.blocked_reason = ""
    user.blocked_by = None
    user.save(update_fields=["blocked_at", "blocked_reason", "blocked_by"])
    audit_record(
        actor=actor,
        event=Event.UNBLOCKED,
        target=user,
        request=request,
        previous_reason=previous_reason,
    )


def lockout_reset(*, username: str, actor, request: HttpRequest | None = None) -> int:
    """Lift a django-axes lockout of an identifier (from every address)."""
    count = AxesProxyHandler.reset_attempts(username=username)
    user_model = get_user_model()
    audit_record(
        actor=actor,
        event=Event.LOCKOUT_RESET,
        target=user_model._default_manager.filter(username=username).first(),
        request=request,
        identifier=username,
        attempts_removed=count,
    )
    return count


# --- The access letter as a PDF -------------------------------------------------------


@dataclass(frozen=True)
class AccessLetter:
    """What the access letter prints. ``password`` exists only here and in
    the response that carries the PDF (never stored, never logged)."""

    cooperative: str
    cooperative_lines: tuple[str, ...]
    party_name: str
    party_address: str
    identifier: str
    password: str
    reason: str  # "created" or "reset"
    login_url: str
    password_rules: str
    resolution: str
    issued_at: dt.datetime
    registrar: str


@sensitive_variables("letter")
def access_letter_pdf(letter: AccessLetter) -> bytes:
    """The access letter (rules §II.6, §IV.2–3) as a one-page PDF, built by
    the portal's one PDF builder (``ledger.pdf``) like the statements."""
    from django.utils.translation import gettext as _

    from ledger.formatting import format_date
    from ledger.pdf import Document, Letterhead

    title = _("Access to the member area (IOK)")
    document = Document(
        title=title,
        letterhead=Letterhead(letter.cooperative, letter.cooperative_lines),
        footer=format_date(letter.issued_at, "DATE_FORMAT"),
        page_label=_("Page %(page)s of %(pages)s"),
    )
    document.paragraph(
        "\n".join(line for line in (letter.party_name, letter.party_address) if line)
    )
    document.heading(title)
    document.paragraph(
        _("Here is your new first password for the Internet Member Service (IOK).")
        if letter.reason == "reset"
        else _("Your account in the Internet Member Service (IOK) has been created.")
    )
    document.figures(
        [
            (_("Identifier"), letter.identifier),
            (_("First password"), letter.password),
            (_("Login address"), letter.login_url),
        ]
    )
    document.heading(_("How to log in"), level=2)
    steps = [
        _(
            "Open %(login_url)s and enter the identifier and the first password "
            "exactly as printed (capital and small letters matter)."
        )
        % {"login_url": letter.login_url},
        _(
            "The system asks you at once to set your own new password; the first "
            "password then stops working."
        ),
        letter.password_rules,
        _(
            "Keep your password secret. The cooperative is not liable for damage "
            "caused by sharing access data with others (rules §IV.2)."
        ),
        _(
            "If you lose your password, come to the cooperative's office with an "
            "identity document for a new one (rules §IV.3)."
        ),
    ]
    for number, step in enumerate(steps, start=1):
        document.paragraph(f"{number}. {step}")
    document.paragraph(
        _(
            "The use of IOK is governed by the rules adopted by the board's "
            "resolution %(resolution)s, published on the cooperative's website."
        )
        % {"resolution": letter.resolution},
        size=8,
    )
    document.ln(6)
    document.figures(
        [
            (_("Issued by"), letter.registrar),
            (_("Received (date and signature)"), "..............................."),
        ],
        label_width=0.45,
    )
    return document.to_bytes()
