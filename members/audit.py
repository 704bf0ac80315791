"""The audit trail: one function to write it, and the signal receivers that feed it.

Any app may call ``audit_record``. The ledger app must not import ``members``
(imports flow members → ledger), so it sends signals (``ledger/signals.py``):
``import_finished`` is recorded by ``record_import``, which
``MembersConfig.ready()`` connects.
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.http import HttpRequest

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out

from ledger.signals import import_finished

from .models import AuditEvent

logger = logging.getLogger("members.audit")

Event = AuditEvent.Event


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as django-axes sees it (same proxy settings)."""
    if request is None:
        return None
    try:
        return get_client_ip_address(request) or None
    except Exception:  # noqa: BLE001 - the audit must never break a request
        return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor=None,
    event: str,
    target=None,
    request: HttpRequest | None = None,
    **details,
) -> AuditEvent:
    """Write one audit row.

    ``actor``: the user who acted (None for anonymous, e.g. a failed login);
    ``target``: the account (User) or Party concerned; ``request`` gives the IP;
    ``details``: anything JSON-serialisable worth keeping (never a password).
    """
    user_model = get_user_model()
    target_user = target if isinstance(target, user_model) else None
    if target_user is not None:
        target_party_id = target_user.party_id
    elif target is not None:
        target_party_id = target.pk
    else:
        target_party_id = None
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    row = AuditEvent.objects.create(
        event=Event(event),
        actor=actor,
        actor_username=(
            actor.get_username() if actor is not None else details.pop("username", "")
        )[:150],
        target_user=target_user,
        target_party_id=target_party_id,
        ip_address=client_ip(request),
        details=details,
    )
    logger.info(
        "audit %s actor=%s target_user=%s target_party=%s",
        row.event,
        row.actor_username or "-",
        row.target_user_id or "-",
        row.target_party_id or "-",
    )
    return row


def _logged_in(sender, request, user, **kwargs):
    if request is None:
        return
    audit_record(
        actor=user,
        event=Event.LOGIN,
        target=user,
        request=request,
        second_factor=bool(getattr(user, "otp_device", None)),
        path=request.path,
    )


def _logged_out(sender, request, user, **kwargs):
    if request is None or user is None:
        return
    reason = getattr(request, "iok_logout_reason", "")
    expired = reason == Event.SESSION_EXPIRED
    event = Event.SESSION_EXPIRED if expired else Event.LOGOUT
    audit_record(actor=user, event=event, target=user, request=request, reason=reason)


def _user_for_identifier(identifier):
    if not identifier:
        return None
    user_model = get_user_model()
    return user_model._default_manager.filter(
        **{user_model.USERNAME_FIELD: identifier}
    ).first()


def _login_failed(sender, credentials, request=None, **kwargs):
    identifier = (credentials or {}).get("username") or ""
    audit_record(
        actor=None,
        event=Event.LOGIN_FAILED,
        target=_user_for_identifier(identifier),
        request=request,
        username=identifier,
        path=getattr(request, "path", ""),
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit_record(
        actor=None,
        event=Event.LOCKOUT,
        target=_user_for_identifier(username),
        request=request,
        username=username or "",
    )


def record_import(
    sender,
    *,
    data_import,
    user,
    kind,
    file_name,
    source,
    checksum,
    status,
    dry_run,
    rows,
    inserted,
    updated,
    unchanged,
    removed,
    error_count,
    **kwargs,
):
    """Receiver of ``ledger.signals.import_finished`` (connected in
    MembersConfig.ready()): who imported which kind and file, the counts and
    the result."""
    audit_record(
        actor=user,
        event=Event.DATA_IMPORT,
        data_import=data_import.pk if data_import is not None else None,
        kind=kind,
        file=file_name,
        source=source,
        sha256=checksum,
        status=status,
        dry_run=dry_run,
        rows=rows,
        inserted=inserted,
        updated=updated,
        unchanged=unchanged,
        removed=removed,
        errors=error_count,
    )


def connect() -> None:
    """Connect the audit trail's receivers (called by ``MembersConfig.ready()``)."""
    user_logged_in.connect(_logged_in, dispatch_uid="members.audit.logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="members.audit.logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="members.audit.login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="members.audit.locked_out")
    import_finished.connect(record_import, dispatch_uid="members.audit.record_import")
