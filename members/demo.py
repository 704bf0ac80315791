"""Demo accounts of PRODUCT.md. Idempotent."""


def seed(*, stdout) -> None:
    """Create the demo accounts. Filled in by the accounts work."""
