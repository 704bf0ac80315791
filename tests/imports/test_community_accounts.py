"""Housing communities carry their own NIP and bank account in the import
(issue 14, item 6): the sample sets them; a wrong NIP is a clear error and
changes nothing."""

import pytest

from ledger.imports.services import data_import_run
from ledger.models import HousingCommunity

from .conftest import SAMPLES, fingerprint, run

pytestmark = pytest.mark.django_db


def test_the_sample_gives_each_community_its_nip_and_account():
    run("estates", SAMPLES / "estates.csv")
    run("communities", SAMPLES / "communities.csv")
    community = HousingCommunity.objects.get(code="WM-KOS12")
    assert community.nip == "7543001013"  # dashes dropped
    assert community.bank_account == "87124015870000000000000100"  # spaces dropped


def test_a_wrong_nip_is_refused_and_changes_nothing(write_file):
    run("estates", SAMPLES / "estates.csv")
    before = fingerprint()
    path = write_file(
        "communities.csv",
        "code;name;address;estate;nip;bank_account\n"
        "WM-X;Wspólnota X;ul. Iksowa 1, Opole;OS-CH;7543001014;\n",
    )
    result = data_import_run(kind="communities", path=path)
    assert not result.ok
    assert any("NIP" in str(problem) for problem in result.errors)
    assert fingerprint() == before
