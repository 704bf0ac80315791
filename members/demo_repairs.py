"""Demo of repair requests (issue 17): an estate office account and a
request of resident 100002 with a photo, a status change and the office's
reply. Called by ``seed_demo`` after the demo accounts; idempotent.

Rows are written directly (not through the services) so that seeding queues
no e-mail and sends no notification.
"""

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image, ImageDraw

from ledger import queries as ledger_queries
from ledger.models import Party

from . import otp
from .models import EstateOfficeStaff, RepairMessage, RepairPhoto, RepairRequest

STAFF_USERNAME = "administracja"
STAFF_PASSWORD = "Biuro12345!"  # noqa: S105 - public demo password
STAFF_GROUP = "Administracje osiedli"
RESIDENT = "100002"
DESCRIPTION = (
    "Na klatce schodowej między 2 a 3 piętrem nie świeci lampa, wieczorem jest "
    "zupełnie ciemno."
)
REPLY = (
    "Dziękujemy za zgłoszenie. Elektryk wymieni oprawę w czwartek między 9 "
    "a 12; dostęp do klatki nie jest potrzebny."
)


def _demo_photo() -> ContentFile:
    image = Image.new("RGB", (800, 600), (40, 44, 52))
    draw = ImageDraw.Draw(image)
    draw.rectangle((340, 40, 460, 120), outline=(200, 200, 200), width=6)
    draw.line((0, 520, 800, 380), fill=(120, 120, 120), width=12)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


@transaction.atomic
def seed(*, stdout) -> None:
    party = Party.objects.filter(number=RESIDENT).first()
    units = (
        ledger_queries.current_units(party=party, on=timezone.localdate())
        if party is not None
        else []
    )
    if not units:
        stdout.write(f"No current unit of {RESIDENT}: no demo repair request.")
        return
    unit = units[0].unit
    estate = unit.building.estate

    user_model = get_user_model()
    staff, _created = user_model._default_manager.get_or_create(username=STAFF_USERNAME)
    staff.first_name, staff.last_name = "Krystyna", "Zielińska"
    staff.email = staff.email or "administracja@example.org"
    staff.is_active = True
    staff.must_change_password = False
    staff.blocked_at = None
    staff.set_password(STAFF_PASSWORD)
    staff.save()
    group = Group.objects.filter(name=STAFF_GROUP).first()
    if group is not None:
        staff.groups.add(group)
    EstateOfficeStaff.objects.get_or_create(user=staff, estate=estate)
    device = (
        TOTPDevice.objects.devices_for_user(staff, confirmed=True)
        .order_by("pk")
        .first()
    ) or otp.totp_device_create_confirmed(staff)

    repair = RepairRequest.objects.filter(party=party, description=DESCRIPTION).first()
    if repair is None:
        sent = timezone.now() - dt.timedelta(days=2)
        repair = RepairRequest.objects.create(
            unit=unit,
            party=party,
            reporter=user_model._default_manager.filter(party=party).first(),
            place=RepairRequest.Place.COMMON,
            category=RepairRequest.Category.ELECTRICAL,
            description=DESCRIPTION,
            convenient_time="",
            status=RepairRequest.Status.IN_PROGRESS,
            assignee=staff,
            internal_note="Zlecenie dla firmy elektrycznej nr 14/2026.",
            created_at=sent,
        )
        photo = RepairPhoto(request=repair, original_name="lampa.jpg")
        photo.image.save("photo.jpg", _demo_photo(), save=False)
        photo.save()
        RepairMessage.objects.create(
            request=repair,
            kind=RepairMessage.Kind.STATUS,
            author=staff,
            status=RepairRequest.Status.IN_PROGRESS,
            created_at=sent + dt.timedelta(hours=20),
        )
        RepairMessage.objects.create(
            request=repair,
            kind=RepairMessage.Kind.OFFICE,
            author=staff,
            text=REPLY,
            created_at=sent + dt.timedelta(hours=20, minutes=1),
        )
    stdout.write(
        f"  {STAFF_USERNAME} / {STAFF_PASSWORD}  estate office staff "
        f"({estate.name}), TOTP required"
    )
    stdout.write(f"    TOTP key (base32): {otp.base32_key(device)}")
    stdout.write(f"  repair request no. {repair.pk} of {RESIDENT}, with a reply")
