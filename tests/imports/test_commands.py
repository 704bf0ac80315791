"""import_data and export_data as a scheduled job sees them: exit codes, the
summary line, errors as file:line:column, and exports that import back."""

import io
import re
import subprocess
import sys

from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

import pytest

from ledger.models import DataImport, LedgerEntry

from .conftest import ORDER, SAMPLES, fingerprint

SUMMARY = re.compile(
    r"^inserted=\d+ updated=\d+ unchanged=\d+ removed=\d+ in \d+\.\d\d s$"
)


def call(*args):
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_prints_a_summary_line_last():
    out, _err = call("import_data", "estates", str(SAMPLES / "estates.csv"))
    last = out.strip().splitlines()[-1]
    assert SUMMARY.match(last), last
    assert last.startswith("inserted=2 updated=0 unchanged=0 removed=0")


def test_file_with_errors_exits_1_listing_file_line_column(structure, write_file):
    text = (SAMPLES / "ledger.csv").read_text(encoding="utf-8").replace("96,42", "x", 1)
    path = write_file("fk-2026.csv", text)
    before = fingerprint()
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command(
            "import_data", "ledger", str(path), stderr=err, stdout=io.StringIO()
        )
    assert raised.value.returncode == 1
    assert "fk-2026.csv:3:8: debit: 'x' is not a number" in err.getvalue()
    assert "nothing was changed" in str(raised.value)
    assert fingerprint() == before
    assert DataImport.objects.filter(status="failed").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ["import_data", "ledger", "/no/such/file.csv"],
        [
            "import_data",
            "ledger",
            str(SAMPLES / "ledger.csv"),
            "--replace-period",
            "2026-13",
        ],
        [
            "import_data",
            "parties",
            str(SAMPLES / "parties.csv"),
            "--replace-period",
            "auto",
        ],
        ["import_data", "parties", str(SAMPLES / "parties.csv"), "--user", "nobody"],
        ["export_data", "parties", "--period", "2026-01"],
    ],
)
def test_usage_errors_exit_2(args):
    with pytest.raises(CommandError) as raised:
        call(*args)
    assert raised.value.returncode == 2
    assert not DataImport.objects.exists()


def test_unknown_kind_exits_2_from_the_shell():
    process = subprocess.run(
        [sys.executable, "manage.py", "import_data", "invoices", "x.csv"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 2
    assert "invalid choice: 'invoices'" in process.stderr


def test_dry_run_reports_counts_and_changes_nothing(structure):
    before = fingerprint()
    out, _err = call("import_data", "ledger", str(SAMPLES / "ledger.csv"), "--dry-run")
    assert "dry run" in out
    assert out.strip().splitlines()[-1].startswith("inserted=22 updated=0")
    assert fingerprint() == before


def test_same_file_again_is_reported_and_exits_0(books):
    out, _err = call("import_data", "ledger", str(SAMPLES / "ledger.csv"))
    assert "already imported" in out
    assert out.strip().splitlines()[-1].startswith("inserted=0 updated=0 unchanged=22")


def test_export_then_import_changes_nothing_for_every_kind(books, tmp_path):
    before = fingerprint()
    for kind in ORDER:
        first = tmp_path / f"{kind}.csv"
        call("export_data", kind, "--output", str(first))
        out, err = call("import_data", kind, str(first))
        assert out.strip().splitlines()[-1].startswith("inserted=0 updated=0 "), (
            kind,
            out,
            err,
        )
        second = tmp_path / f"{kind}-2.csv"
        call("export_data", kind, "--output", str(second))
        assert first.read_bytes() == second.read_bytes(), kind
    assert fingerprint() == before


def test_export_ledger_of_a_period_to_stdout(books):
    out, _err = call("export_data", "ledger", "--period", "2026-02")
    lines = out.splitlines()
    assert lines[0].startswith("external_id;unit;booking_date;period;")
    assert len(lines) == 1 + LedgerEntry.objects.filter(period="2026-02-01").count()
    assert (
        "KF-2026-000107;L-CHA52-01;2026-02-01;2026-02;2026-02-10;charge;EKSPL;158,90;;"
        in out
    )
