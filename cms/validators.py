"""Validators for Polish identifiers used in the site settings. The NIP rule
itself lives in ``ledger.validators`` (housing communities have a NIP too)."""

from ledger import validators


def validate_nip(value: str) -> None:
    """The cooperative's NIP: ``ledger.validators.validate_nip`` (kept here by
    name, as the settings' migrations refer to it)."""
    validators.validate_nip(value)
