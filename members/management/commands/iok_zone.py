"""Switch a zone of the member area on, off or suspend it (rules §III.3).

    manage.py iok_zone meters suspend --message "Prace serwisowe." \\
        --until "2026-12-08 10:00"
    manage.py iok_zone meters on
    manage.py iok_zone                      # every zone's state

The same as the admin screen "Strefy IOK": ``members.area.zones.zone_set()``,
audited (the actor is empty: a script). ``--until`` is local time
(``Europe/Warsaw``) as ``YYYY-MM-DD HH:MM`` or ISO 8601.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from members.area.zones import ZONES, State, zone_set, zone_statuses


def _until(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value.strip().replace("T", " "))
    if parsed is None:
        raise CommandError(
            f"--until {value!r}: expected a date and time, e.g. 2026-12-08 10:00"
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


class Command(BaseCommand):
    help = "Show the zones of the member area, or switch one on, off or suspend it."

    def add_arguments(self, parser):
        parser.add_argument("zone", nargs="?", choices=list(ZONES), help="zone key")
        parser.add_argument(
            "state",
            nargs="?",
            choices=["on", "off", "suspend"],
            help="on, off or suspend",
        )
        parser.add_argument("--message", default="", help="shown to residents")
        parser.add_argument(
            "--until", default=None, help="end time (local), e.g. 2026-12-08 10:00"
        )

    def handle(self, *args, zone, state, message, until, **options):
        if zone is not None:
            if state is None:
                raise CommandError("Give the state: on, off or suspend.")
            try:
                zone_set(
                    zone,
                    State.SUSPENDED if state == "suspend" else state,
                    message=message,
                    until=_until(until),
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        for key, status in zone_statuses().items():
            if zone is not None and key != zone:
                continue
            line = f"{key}: {status.state}"
            if status.until:
                line += f" until {timezone.localtime(status.until):%Y-%m-%d %H:%M}"
            if status.message:
                line += f" — {status.message}"
            self.stdout.write(line)
