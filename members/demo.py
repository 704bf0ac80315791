"""Demo accounts of PRODUCT.md ("Fixed contracts"). Idempotent.

The demo passwords are weaker than the password validators allow ("start1" is
only six characters): they are set with ``set_password`` directly, because the
validators guard the forms, not the model. For demos only.
"""

import datetime as dt

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


DEMO_VOTE_NUMBER = "1/2026"


@transaction.atomic
def seed_votes(*, stdout) -> None:
    """An open vote in a housing community where 100001 owns a unit, with the
    draft resolution as an attachment (a PDF). Idempotent: a second run keeps
    the vote and its ballots and moves its window so it is open again."""
    from django.core.files.base import ContentFile

    from ledger import queries as ledger_queries
    from ledger.pdf import Document, Letterhead
    from members.models import Vote

    party = Party.objects.filter(number="100001").first()
    community = (
        ledger_queries.owner_communities(party=party, on=timezone.localdate()).first()
        if party is not None
        else None
    )
    if community is None:
        stdout.write("No housing community with a unit of 100001: no demo vote.")
        return
    now = timezone.now()
    text = (
        "Właściciele lokali Wspólnoty Mieszkaniowej wyrażają zgodę na wykonanie "
        "termomodernizacji budynku (docieplenie ścian i stropodachu, wymiana "
        "stolarki okiennej na klatkach schodowych) w 2027 roku, za kwotę nie "
        "wyższą niż 1 250 000 zł brutto, finansowaną z funduszu remontowego "
        "i kredytu z premią termomodernizacyjną.\n\n"
        "Uchwała wchodzi w życie z dniem podjęcia."
    )
    vote, created = Vote.objects.update_or_create(
        community=community,
        number=DEMO_VOTE_NUMBER,
        defaults={
            "title": "w sprawie termomodernizacji budynku",
            "text": text,
            "rule": Vote.Rule.SHARES,
            "opens_at": now - dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=14),
            "closed_noticed_at": None,
            "total_shares": None,
            "total_owners": None,
        },
    )
    if not vote.attachments.exists():
        document = Document(
            title=f"Projekt uchwały nr {DEMO_VOTE_NUMBER}",
            letterhead=Letterhead(community.name, [community.address]),
            footer="IOK – dokument demonstracyjny",
        )
        document.heading(f"Uchwała nr {DEMO_VOTE_NUMBER} (projekt)")
        document.paragraph(f"{community.name}, {vote.title}.", bold=True)
        document.paragraph(text)
        attachment = vote.attachments.model(vote=vote, name="projekt-uchwaly.pdf")
        attachment.file.save(
            "projekt-uchwaly.pdf", ContentFile(document.to_bytes()), save=True
        )
    until = timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M")
    stdout.write(
        f"Demo vote: resolution {vote.number} of {community.name}, open until {until}."
    )
