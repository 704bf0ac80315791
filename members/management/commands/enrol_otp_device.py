"""Give a staff member a way to their first second factor.

Two modes (docs/security.md, "Staff 2FA enrolment"):

- default: open a self-enrolment window (IOK_OTP_ENROLMENT_HOURS); the staff member
  then logs in at /iok/login/, scans a QR code and confirms one code;
- ``--create-device``: create a confirmed TOTP device now and print its key, otpauth
  URI and a terminal QR code. For the first superuser of a fresh installation,
  run by whoever operates the server, in front of that person only.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

import qrcode

from members import otp
from members.services import sessions_end


class Command(BaseCommand):
    help = "Open two-factor enrolment for a staff user, or create their TOTP device."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--hours", type=int, default=None)
        parser.add_argument(
            "--create-device",
            action="store_true",
            help="create a confirmed TOTP device now and print its secret",
        )

    def handle(self, *args, username: str, hours, create_device: bool, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if otp.has_totp(user):
            raise CommandError(
                f"{username} already has a TOTP device; remove it in the admin first"
            )
        if not create_device:
            otp.enrolment_open(user=user, hours=hours)
            self.stdout.write(
                f"{username} may enrol until {user.otp_enrolment_until:%Y-%m-%d %H:%M}"
                " by logging in at /iok/login/."
            )
            return
        device = otp.totp_device_create_confirmed(user)
        # Sessions opened without the second factor end with it.
        ended = sessions_end(user=user)
        codes = otp.backup_codes_issue(user)
        uri = otp.otpauth_uri(device)
        self.stdout.write(f"TOTP key (base32): {otp.base32_key(device)}")
        self.stdout.write(f"otpauth URI: {uri}")
        code = qrcode.QRCode(border=1)
        code.add_data(uri)
        code.print_ascii(out=self.stdout)
        self.stdout.write("Backup codes: " + " ".join(codes))
        if ended:
            self.stdout.write(f"{ended} open session(s) of {username} ended.")
