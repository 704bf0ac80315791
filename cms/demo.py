"""Demo content for the public site (pages, notices, documents). Idempotent."""


def seed(*, stdout) -> None:
    """Create the demo page tree. Filled in by the public-site work."""
