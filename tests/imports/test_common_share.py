"""The units import carries each unit's share in the common property of its
housing community (issue 17; docs/import-formats.md): the sample sets it, a
share outside (0, 1] is a clear error and changes nothing, and a file without
the column keeps the shares the portal has."""

from decimal import Decimal

import pytest

from ledger.imports.services import data_import_run
from ledger.models import Unit

from .conftest import fingerprint, run

pytestmark = pytest.mark.django_db


def test_the_sample_gives_the_community_units_their_shares(structure):
    assert Unit.objects.get(code="L-KOS12-03").common_share == Decimal("0.0602")
    assert Unit.objects.get(code="L-SKL7-12").common_share == Decimal("0.0455")
    assert Unit.objects.get(code="L-CHA52-01").common_share is None


@pytest.mark.parametrize("share", ["1,5", "0", "-0,1", "0,12345678"])
def test_a_share_outside_0_1_is_refused_and_changes_nothing(
    structure, write_file, share
):
    before = fingerprint()
    path = write_file(
        "units.csv",
        "code;building;number;kind;floor_area;zone;bank_account;common_share\n"
        f"L-KOS12-03;B-KOS12;3;flat;72,35;community;;{share}\n",
    )
    result = data_import_run(kind="units", path=path)
    assert not result.ok
    assert any("common_share" in str(problem) for problem in result.errors)
    assert fingerprint() == before


def test_a_file_without_the_column_keeps_the_shares(structure, write_file):
    path = write_file(
        "units.csv",
        "code;building;number;kind;floor_area;zone\n"
        "L-KOS12-03;B-KOS12;3;flat;72,40;community\n",
    )
    run("units", path)
    unit = Unit.objects.get(code="L-KOS12-03")
    assert unit.floor_area == Decimal("72.40")
    assert unit.common_share == Decimal("0.0602")
