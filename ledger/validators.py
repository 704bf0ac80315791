"""Validators for identifiers that come from banks and the accounting system."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def nrb_is_valid(value: str) -> bool:
    """True when ``value`` is a 26-digit Polish account number (NRB) whose IBAN
    check digits are right: "PL" + the 26 digits must leave 1 modulo 97."""
    digits = value.replace(" ", "")
    if len(digits) != 26 or not digits.isdigit():
        return False
    # IBAN rule: move country code and check digits to the end, letters to
    # numbers (P=25, L=21), and the whole number mod 97 must be 1.
    rearranged = digits[2:] + "2521" + digits[:2]
    return int(rearranged) % 97 == 1


def validate_nrb(value: str) -> None:
    """Model/form validator for a unit's individual bank account number."""
    if not nrb_is_valid(value):
        raise ValidationError(
            _("Enter a valid 26-digit bank account number (NRB)."), code="invalid_nrb"
        )


def nrb_check_digits(bank_and_account: str) -> str:
    """The two check digits that make ``bank_and_account`` (24 digits) a valid
    NRB. Used to generate demo and test account numbers."""
    if len(bank_and_account) != 24 or not bank_and_account.isdigit():
        raise ValueError("expected 24 digits")
    remainder = int(bank_and_account + "252100") % 97
    return f"{98 - remainder:02d}"


def make_nrb(bank_and_account: str) -> str:
    """A valid NRB from 24 digits (8-digit bank sort code + 16-digit account)."""
    return nrb_check_digits(bank_and_account) + bank_and_account


NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def nip_digits(value: str) -> str:
    """A NIP without its usual separators (dashes, spaces)."""
    return re.sub(r"[\s-]", "", value or "")


def validate_nip(value: str) -> None:
    """A NIP (tax id) is 10 digits, the last a mod-11 check digit; the usual
    separators (dashes, spaces) are allowed. The one rule, for the
    cooperative's settings (``cms``) and the housing communities."""
    digits = nip_digits(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(_("A NIP has 10 digits."), code="nip_length")
    checksum = sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS, strict=False)) % 11
    if checksum == 10 or checksum != int(digits[9]):
        raise ValidationError(_("This NIP has a wrong check digit."), code="nip_check")
