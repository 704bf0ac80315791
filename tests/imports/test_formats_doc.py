"""docs/import-formats.md and the samples describe the formats the code reads."""

import re

from django.conf import settings

import pytest

from ledger.imports.specs import KINDS

from .conftest import ORDER, SAMPLES

DOC = (settings.BASE_DIR / "docs" / "import-formats.md").read_text(encoding="utf-8")


def documented_columns() -> dict[str, list[tuple[str, str]]]:
    tables: dict[str, list[tuple[str, str]]] = {}
    kind = None
    for line in DOC.splitlines():
        heading = re.match(r"### `([a-z-]+)`", line)
        if heading:
            kind = heading.group(1)
            tables[kind] = []
        elif kind and (row := re.match(r"\| `([a-z_]+)` \| [^|]+ \| ([^|]+) \|", line)):
            tables[kind].append((row.group(1), row.group(2).strip()))
    return tables


def test_every_kind_is_documented_with_its_columns_and_requirements():
    tables = documented_columns()
    assert set(tables) == set(KINDS)
    for name, spec in KINDS.items():
        expected = [
            (
                column.name,
                "yes"
                if column.required
                else ("column yes, value no" if column.header_required else "no"),
            )
            for column in spec.columns
        ]
        assert tables[name] == expected, name


def test_dependency_order_in_the_doc_is_the_tested_one():
    assert ", ".join(f"`{kind}`" for kind in ORDER) in " ".join(DOC.split())


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_has_a_sample_with_every_column(kind):
    sample = SAMPLES / (f"{kind}/manifest.csv" if KINDS[kind].bundle else f"{kind}.csv")
    header = sample.read_text(encoding="utf-8").splitlines()[0]
    assert header.split(";") == list(KINDS[kind].column_names)


def test_there_is_a_windows_1250_sample():
    raw = (SAMPLES / "parties-windows-1250.csv").read_bytes()
    assert "Żółkiewska".encode("cp1250") in raw
    raw.decode("cp1250")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
