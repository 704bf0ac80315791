"""Fixtures for the import tests: sample files, a database fingerprint, staff."""

import contextlib
import hashlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections

import pytest

from ledger.imports.liveness import LIVENESS_CLASS
from ledger.imports.services import data_import_run
from ledger.models import DataImport

SAMPLES = Path(settings.BASE_DIR) / "docs" / "samples"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
# The order in which the kinds depend on each other.
ORDER = [
    "estates",
    "communities",
    "buildings",
    "units",
    "parties",
    "rights",
    "components",
    "schedules",
    "ledger",
    "loans",
    "loan-entries",
    "meters",
    "readings",
    "memberships",
]


def run(kind, path, **options):
    """Import and insist on success; returns the ImportResult."""
    result = data_import_run(kind=kind, path=path, **options)
    assert result.ok, [str(p) for p in result.errors]
    return result


def fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and SHA-256 of every ledger table except the import log, all
    columns of all rows in primary-key order: equal fingerprints mean the data
    did not change by a single byte."""
    prints = {}
    for model in apps.get_app_config("ledger").get_models():
        if model is DataImport:
            continue
        columns = [field.attname for field in model._meta.concrete_fields]
        digest = hashlib.sha256()
        count = 0
        for row in model._base_manager.order_by("pk").values_list(*columns):
            digest.update(repr(row).encode())
            count += 1
        prints[model._meta.label] = (count, digest.hexdigest())
    return prints


@pytest.fixture
def write_file(tmp_path):
    """write_file("name.csv", text_or_bytes, encoding="utf-8") -> Path"""

    def write(name: str, content, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode(encoding)
        path.write_bytes(content)
        return path

    return write


@pytest.fixture
def structure(db):
    """Every sample up to (not including) the ledger: estates ... schedules."""
    for kind in ORDER[: ORDER.index("ledger")]:
        run(kind, SAMPLES / f"{kind}.csv")


@pytest.fixture
def books(structure):
    """All the samples imported, in dependency order."""
    for kind in ORDER[ORDER.index("ledger") :]:
        run(kind, SAMPLES / f"{kind}.csv")


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in to the Wagtail admin as a superuser that passed OTP.

    Kept in one place so it can be swapped for the shared fixture of
    tests/conftest.py once the accounts work (staff 2FA) is merged.
    """
    user = django_user_model.objects.create_superuser(
        username="ksiegowa", email="ksiegowa@example.pl", password="Haslo12345!"
    )
    client.force_login(user)
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.user = user
    return client


@contextlib.contextmanager
def import_alive(pk: int):
    """Act as the live process of import ``pk``: on PostgreSQL hold its liveness
    lock from another session (ledger.imports.liveness); elsewhere the
    heartbeat decides and nothing needs holding."""
    if connection.vendor != "postgresql":
        yield
        return
    holder = connections.create_connection("default")
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LIVENESS_CLASS, pk])
        yield
    finally:
        holder.rollback()
        holder.close()
