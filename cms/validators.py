"""Validators for Polish identifiers used in the site settings."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def validate_nip(value: str) -> None:
    """A NIP (tax id) is 10 digits, the last a mod-11 check digit; the usual
    separators (dashes, spaces) are allowed."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(_("A NIP has 10 digits."), code="nip_length")
    checksum = sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS, strict=False)) % 11
    if checksum == 10 or checksum != int(digits[9]):
        raise ValidationError(_("This NIP has a wrong check digit."), code="nip_check")
