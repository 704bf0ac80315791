"""Issue 12, item 16: ``export_data`` writes the cells a resident supplies
(e-mail, name, phone) through the one formula rule of ``ledger.csv_writer``,
and the importer reads such a file back unchanged."""

import csv
import io

from django.core.management import call_command

import pytest

from ledger.models import Party

from .conftest import run

pytestmark = pytest.mark.django_db

# Valid e-mail addresses that a spreadsheet would run as a formula.
EMAILS = ["=1+1@example.org", "-2+3@example.org", "+48@example.org", "'=x@example.org"]


def exported_parties() -> list[dict]:
    out = io.StringIO()
    call_command("export_data", "parties", stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue()), delimiter=";"))


def test_resident_supplied_cells_are_neutralised_in_export_data():
    for n, email in enumerate(EMAILS):
        Party.objects.create(
            number=f"90000{n}",
            name=f'=HYPERLINK("http://evil/{n}","x")',
            email=email,
            phone="@SUM(1+1)",
        )
    rows = {row["number"]: row for row in exported_parties()}
    for n, email in enumerate(EMAILS):
        row = rows[f"90000{n}"]
        assert row["email"] == "'" + email
        assert row["name"] == f'\'=HYPERLINK("http://evil/{n}","x")'
        assert row["phone"] == "'@SUM(1+1)"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_a_neutralised_export_imports_back_unchanged(tmp_path):
    for n, email in enumerate(EMAILS):
        Party.objects.create(number=f"90000{n}", name=f"Strona {n}", email=email)
    out = io.StringIO()
    call_command("export_data", "parties", stdout=out)
    path = tmp_path / "parties.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    Party.objects.update(email="")
    run("parties", path)
    assert sorted(Party.objects.values_list("email", flat=True)) == sorted(EMAILS)
