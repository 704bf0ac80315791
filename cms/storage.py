"""File storage that leaves nothing behind when a write fails: the class lives
in ``ledger.storage`` (one class for every private and public file); the
settings name it here (``cms.storage.SafeFileSystemStorage``)."""

from ledger.storage import SafeFileSystemStorage

__all__ = ["SafeFileSystemStorage"]
