"""Second factor with plain django-otp: TOTP apps plus static backup codes.

django-otp 1.7 no longer tries every device when the form names none, so the
device is chosen here from the shape of the code: six digits go to the user's
confirmed TOTP device, anything else to their backup codes. Both device types
throttle wrong codes themselves (growing delays); every failure is also audited.
"""

import base64
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

import qrcode
import qrcode.image.svg
from django_otp import user_has_device
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import Event, audit_record

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"


def has_second_factor(user) -> bool:
    """True when the user has a confirmed TOTP device or backup codes."""
    return user_has_device(user, confirmed=True)


def has_totp(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _normalise(token: str) -> str:
    return "".join((token or "").split()).lower()


def _pick_device(user, token: str, *, for_verify: bool):
    if token.isdigit() and len(token) == 6:
        queryset = TOTPDevice.objects.devices_for_user(user, confirmed=True)
    else:
        queryset = StaticDevice.objects.devices_for_user(user, confirmed=True)
    if for_verify:
        queryset = queryset.select_for_update()
    return queryset.order_by("pk").first()


def verify_second_factor(user, token: str, *, request=None):
    """Check ``token`` against the user's matching device.

    Returns ``(device, None)`` on success or ``(None, message)`` on failure.
    """
    token = _normalise(token)
    message = None
    with transaction.atomic():
        device = _pick_device(user, token, for_verify=True) if token else None
        if device is None:
            message = _("Incorrect code. Please try again.")
        else:
            allowed, extra = device.verify_is_allowed()
            if not allowed:
                if extra and extra.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
                    message = _("Too many wrong codes. Wait a moment and try again.")
                else:
                    message = _("Code verification is temporarily unavailable.")
                device = None
            elif not device.verify_token(token):
                device = None
                message = _("Incorrect code. Please try again.")
    if device is None:
        audit_record(
            actor=None,
            event=Event.OTP_FAILED,
            target=user,
            request=request,
            username=user.get_username(),
        )
    return device, message


def totp_device_for_enrolment(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first use of the screen."""
    device = (
        TOTPDevice.objects.devices_for_user(user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=False
        )
    return device


def totp_device_create_confirmed(user) -> TOTPDevice:
    """A ready-to-use TOTP device (for the first administrator and the demo)."""
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str, request=None) -> bool:
    """Confirm an enrolment: the user proves the app shows the right codes.

    On success any older TOTP device of the user is removed (one app at a time)
    and the enrolment window, if any, is closed.
    """
    token = _normalise(token)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not (token.isdigit() and device.verify_token(token)):
        audit_record(
            actor=None,
            event=Event.OTP_FAILED,
            target=device.user,
            request=request,
            username=device.user.get_username(),
            enrolment=True,
        )
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user = device.user
    if user.otp_enrolment_until is not None:
        user.otp_enrolment_until = None
        user.save(update_fields=["otp_enrolment_until"])
    audit_record(actor=user, event=Event.OTP_ENROLLED, target=user, request=request)
    return True


def totp_enrolment_finish(*, device: TOTPDevice, token: str, request=None):
    """Finish turning the authenticator app on (at a staff member's first
    login or on a resident's security page): confirm ``device`` with ``token``
    (audited either way) and issue the backup codes. Returns the codes to show
    once, or ``None`` when the code is wrong. ``device`` is refreshed."""
    if not totp_device_confirm(device=device, token=token, request=request):
        return None
    device.refresh_from_db()
    return backup_codes_issue(device.user)


@transaction.atomic
def backup_codes_issue(user) -> list[str]:
    """Replace the user's backup codes with ten new ones (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(
        user=user, name=BACKUP_DEVICE_NAME, confirmed=True
    )
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=code) for code in codes]
    )
    return codes


@transaction.atomic
def devices_remove(*, user, actor, request=None) -> None:
    """Turn two-factor authentication off for ``user``."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, event=Event.OTP_REMOVED, target=user, request=request)


def enrolment_open(*, user, actor=None, hours: int | None = None, request=None):
    """Let a staff member without a device enrol one after a password login."""
    hours = hours or settings.IOK_OTP_ENROLMENT_HOURS
    user.otp_enrolment_until = timezone.now() + timedelta(hours=hours)
    user.save(update_fields=["otp_enrolment_until"])
    audit_record(
        actor=actor,
        event=Event.OTP_ENROLMENT_OPENED,
        target=user,
        request=request,
        hours=hours,
    )


def enrolment_is_open(user) -> bool:
    return (
        user.otp_enrolment_until is not None
        and user.otp_enrolment_until > timezone.now()
    )


def base32_key(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def otpauth_uri(device: TOTPDevice) -> str:
    return device.config_url


def qr_svg(data: str) -> SafeString:
    """An inline SVG QR code (no script, no inline style: CSP-safe)."""
    image = qrcode.make(
        data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )
    svg = image.to_string(encoding="unicode")
    # The SVG is generated by qrcode from our own data; it contains only a path.
    return format_html(
        '<div class="qr-code" role="img" aria-label="{}">{}</div>',
        _("QR code for the authenticator app"),
        mark_safe(svg),  # noqa: S308
    )
