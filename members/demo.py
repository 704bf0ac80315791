"""Demo accounts of PRODUCT.md ("Fixed contracts"). Idempotent.

The demo passwords are weaker than the password validators allow ("start1" is
only six characters): they are set with ``set_password`` directly, because the
validators guard the forms, not the model. For demos only.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from axes.handlers.proxy import AxesProxyHandler
from django_otp.plugins.otp_totp.models import TOTPDevice

from ledger.models import Party

from . import otp
from .notifications import preferences_set

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "Admin12345!"  # noqa: S105 - public demo password (PRODUCT.md)
# identifier, password, must change it, blocked, demo name if the ledger has none
RESIDENTS = [
    ("100001", "start1", True, False, "Anna Kowalska"),
    ("100002", "demo1234", False, False, "Piotr Nowak"),
    ("100003", "demo1234", False, True, "Ewa Wiśniewska"),
]
BLOCK_REASON = "Konto demonstracyjne zablokowane (regulamin §IV.1)."
# The demo residents' e-mail choices (issue 18; topics not named keep their
# defaults): 100001 wants everything about their communities and a reminder,
# 100002 only the cooperative's notices besides the defaults.
NOTIFICATIONS = {
    "100001": {
        "notices": True,
        "community-notices": True,
        "votes": True,
        "payment-reminder": True,
    },
    "100002": {"notices": True},
}


@transaction.atomic
def seed(*, stdout) -> None:
    user_model = get_user_model()

    admin, _created = user_model._default_manager.get_or_create(username=ADMIN_USERNAME)
    admin.is_superuser = True
    admin.is_staff = True
    admin.is_active = True
    admin.email = admin.email or "admin@example.org"
    admin.must_change_password = False
    admin.blocked_at = None
    admin.set_password(ADMIN_PASSWORD)
    admin.save()
    device = (
        TOTPDevice.objects.devices_for_user(admin, confirmed=True)
        .order_by("pk")
        .first()
    ) or otp.totp_device_create_confirmed(admin)

    for identifier, password, must_change, blocked, name in RESIDENTS:
        party, _created = Party.objects.get_or_create(
            number=identifier, defaults={"name": name}
        )
        user = (
            user_model._default_manager.filter(party=party).first()
            or user_model._default_manager.filter(username=identifier).first()
            or user_model(username=identifier)
        )
        user.username = identifier
        user.party = party
        user.is_active = True
        user.is_staff = False
        user.is_superuser = False
        user.must_change_password = must_change
        user.set_password(password)
        if blocked:
            user.blocked_reason = BLOCK_REASON
            user.blocked_at = user.blocked_at or timezone.now()
        else:
            user.blocked_at = None
            user.blocked_reason = ""
            user.blocked_by = None
        user.save()
        if identifier in NOTIFICATIONS:
            preferences_set(user=user, choices=NOTIFICATIONS[identifier])
        AxesProxyHandler.reset_attempts(username=identifier)
    AxesProxyHandler.reset_attempts(username=ADMIN_USERNAME)

    stdout.write("Demo accounts (identifier / password):")
    stdout.write(f"  {ADMIN_USERNAME} / {ADMIN_PASSWORD}  superuser, TOTP required")
    stdout.write(f"    TOTP key (base32): {otp.base32_key(device)}")
    stdout.write(f"    otpauth URI: {otp.otpauth_uri(device)}")
    for identifier, password, must_change, blocked, _name in RESIDENTS:
        state = (
            "blocked"
            if blocked
            else "must change the first password"
            if must_change
            else "password already changed"
        )
        stdout.write(f"  {identifier} / {password}  resident, {state}")
