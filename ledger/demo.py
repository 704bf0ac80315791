"""Demo cooperative: estates, units, parties, ledgers. Idempotent."""


def seed(*, units: int, years: int, stdout) -> None:
    """Create the demo books. Filled in by the ledger work."""
