"""Every documented sample file imports cleanly, in dependency order."""

import pytest

from ledger.models import DataImport, LedgerEntry, Meter, Unit

from .conftest import ORDER, SAMPLES, run


def sample_rows(kind: str) -> int:
    with (SAMPLES / f"{kind}.csv").open(encoding="utf-8") as handle:
        return sum(1 for line in handle if line.strip()) - 1


@pytest.mark.django_db
def test_each_sample_file_imports_with_every_row_inserted():
    for kind in ORDER:
        result = run(kind, SAMPLES / f"{kind}.csv")
        assert result.status == DataImport.Status.SUCCEEDED
        assert result.inserted == sample_rows(kind) == result.rows, kind
        assert result.warnings == [], kind
    entry = LedgerEntry.objects.get(external_id="KF-2026-000101")
    assert str(entry.amount) == "-158.90"  # a charge is a debit: negative
    assert LedgerEntry.objects.get(external_id="KF-2026-000106").amount > 0
    assert Unit.objects.get(code="L-KOS12-03").zone == Unit.Zone.COMMUNITY
    assert Meter.objects.get(external_id="WOD-0101-ZW-2").replaces.serial_number == (
        "ZW-15-004512"
    )


@pytest.mark.django_db
def test_windows_1250_sample_holds_the_same_parties_as_the_utf8_one(structure):
    result = run("parties", SAMPLES / "parties-windows-1250.csv")
    assert result.info.encoding == "cp1250"
    assert (result.inserted, result.updated) == (0, 0)
    assert result.unchanged == sample_rows("parties")
