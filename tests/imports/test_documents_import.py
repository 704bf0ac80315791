"""The ``documents`` import: a ZIP (or folder) with manifest.csv and PDFs,
all or nothing, every refusal naming the manifest line (issue 18)."""

import io
import zipfile

from django.core.management import call_command
from django.utils import translation

import pytest

from ledger.imports.services import data_import_run
from ledger.models import DataImport, PersonalDocument
from ledger.pdf import Document, Letterhead
from ledger.signals import personal_documents_added

from .conftest import SAMPLES, fingerprint

HEADER = "external_id;party;unit;kind;date;title;file\n"


def pdf(text: str = "Zawiadomienie") -> bytes:
    document = Document(title=text, letterhead=Letterhead("SM Przykładowa"))
    document.paragraph(text)
    return document.to_bytes()


@pytest.fixture(autouse=True)
def english():
    # The messages are checked in English (the msgids); Polish in the admin test.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.IOK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.IOK_PRIVATE_MEDIA_ROOT


def make_zip(tmp_path, manifest: str, files: dict[str, bytes], name="batch.zip"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.csv", manifest)
        for file_name, content in files.items():
            archive.writestr(file_name, content)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def good_rows():
    return (
        HEADER
        + "D-1;200101;L-CHA52-01;charges_change;2026-02-15;Zmiana opłat;a.pdf\n"
        + "D-2;200102;L-CHA52-02;rozliczenie;2026-03-15;Rozliczenie wody;b.pdf\n"
    )


def test_the_sample_batch_imports_from_the_folder_and_the_zip(
    structure, tmp_path, private_root, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, document_ids, **kwargs):
        received.append(document_ids)

    personal_documents_added.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = data_import_run(kind="documents", path=SAMPLES / "documents")
    finally:
        personal_documents_added.disconnect(listener)
    assert result.ok, [str(p) for p in result.errors]
    assert result.inserted == 2
    documents = list(PersonalDocument.objects.order_by("external_id"))
    assert [d.external_id for d in documents] == ["DOK-2026-0001", "DOK-2026-0002"]
    assert documents[1].kind == "utilities_settlement"
    assert received == [sorted(d.pk for d in documents)]
    # In private storage, under random names, the same bytes.
    assert len(stored_files(private_root)) == 2
    sample = SAMPLES / "documents" / "zawiadomienia" / "200101-L-CHA52-01.pdf"
    with documents[0].file.open("rb") as handle:
        assert handle.read() == sample.read_bytes()
    assert "200101" not in documents[0].file.name
    # The same folder again is "already imported"; the ZIP of the same files too
    # is refused as duplicates, naming the lines.
    again = data_import_run(kind="documents", path=SAMPLES / "documents")
    assert again.status == "skipped"
    zipped = data_import_run(kind="documents", path=SAMPLES / "documents.zip")
    assert not zipped.ok
    assert {p.line for p in zipped.errors} == {2, 3}
    assert PersonalDocument.objects.count() == 2


@pytest.mark.parametrize(
    ("case", "line", "words"),
    [
        ("unknown unit", 3, "there is no unit with code L-NOWHERE"),
        ("unknown party", 3, "there is no party with number 999999"),
        ("missing file", 3, "there is no file b.pdf in the batch"),
        ("not a pdf", 3, "not a PDF"),
        ("broken pdf", 3, "not a readable PDF"),
        ("no right on that date", 3, "holds no right to this unit on 1990-01-01"),
        ("duplicate pdf", 3, "same PDF for the same party and unit as on line 2"),
        ("duplicate key", 3, "D-1 appears more than once"),
        ("unsafe name", 3, "points outside the batch"),
    ],
)
def test_a_bad_row_changes_nothing_and_names_its_line(
    structure, tmp_path, private_root, case, line, words
):
    manifest = good_rows()
    files = {"a.pdf": pdf("A"), "b.pdf": pdf("B")}
    if case == "unknown unit":
        manifest = manifest.replace("L-CHA52-02", "L-NOWHERE")
    elif case == "unknown party":
        manifest = manifest.replace("200102;", "999999;")
    elif case == "missing file":
        del files["b.pdf"]
    elif case == "not a pdf":
        files["b.pdf"] = b"MZ\x90\x00 this is an executable"
    elif case == "broken pdf":
        files["b.pdf"] = b"%PDF-1.7\n garbage that is no PDF at all"
    elif case == "no right on that date":
        manifest = manifest.replace("2026-03-15", "1990-01-01")
    elif case == "duplicate pdf":
        manifest = manifest.replace("200102;L-CHA52-02", "200101;L-CHA52-01")
        files["b.pdf"] = files["a.pdf"]
    elif case == "duplicate key":
        manifest = manifest.replace("D-2", "D-1")
    elif case == "unsafe name":
        manifest = manifest.replace(";b.pdf", ";../b.pdf")
    path = make_zip(tmp_path, manifest, files)
    before = fingerprint()
    result = data_import_run(kind="documents", path=path)
    assert not result.ok
    assert result.status == DataImport.Status.FAILED
    messages = [str(problem) for problem in result.errors]
    assert any(p.line == line and words in p.message for p in result.errors), messages
    assert all(str(p).startswith("batch.zip/manifest.csv:") for p in result.errors)
    assert fingerprint() == before
    assert stored_files(private_root) == []


def test_a_zip_with_a_path_outside_it_is_refused_whole(
    structure, tmp_path, private_root
):
    for evil in ("../../etc/cron.d/x.pdf", "/etc/passwd", "C:/Windows/x.pdf"):
        path = make_zip(
            tmp_path, good_rows(), {"a.pdf": pdf(), "b.pdf": pdf("B"), evil: pdf()}
        )
        before = fingerprint()
        result = data_import_run(kind="documents", path=path)
        assert not result.ok
        assert "point outside it" in result.errors[0].message
        assert fingerprint() == before
        assert stored_files(private_root) == []
        assert not (tmp_path.parent / "etc").exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    structure, tmp_path, private_root, monkeypatch
):
    from ledger.imports import bundles

    # A limit lowered to the test's size: the entries' declared sizes count.
    monkeypatch.setattr(bundles, "MAX_TOTAL_BYTES", 1_000_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.csv", good_rows())
        archive.writestr("a.pdf", pdf())
        archive.writestr("b.pdf", b"%PDF-" + b"\x00" * 2_000_000)
    path = tmp_path / "bomb.zip"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 100_000
    result = data_import_run(kind="documents", path=path)
    assert not result.ok
    assert "unpacks to more than" in result.errors[0].message
    assert PersonalDocument.objects.count() == 0


def test_a_damaged_entry_is_an_error_of_its_line(structure, tmp_path, private_root):
    path = make_zip(tmp_path, good_rows(), {"a.pdf": pdf("A"), "b.pdf": pdf("B")})
    raw = bytearray(path.read_bytes())
    # Corrupt the stored bytes of a.pdf, the first PDF in the archive (its CRC
    # no longer matches).
    start = raw.index(b"%PDF-")
    raw[start + 200 : start + 210] = b"XXXXXXXXXX"
    path.write_bytes(bytes(raw))
    result = data_import_run(kind="documents", path=path)
    assert not result.ok
    assert result.errors[0].line == 2
    assert "a.pdf cannot be read from the batch" in result.errors[0].message
    assert PersonalDocument.objects.count() == 0


def test_a_document_key_already_in_the_portal_is_a_duplicate(
    structure, tmp_path, private_root
):
    first = make_zip(tmp_path, good_rows(), {"a.pdf": pdf("A"), "b.pdf": pdf("B")})
    assert data_import_run(kind="documents", path=first).ok
    second = make_zip(
        tmp_path,
        HEADER + "D-1;200101;L-CHA52-01;other;2026-04-01;Inny;c.pdf\n",
        {"c.pdf": pdf("C")},
        name="second.zip",
    )
    result = data_import_run(kind="documents", path=second)
    assert not result.ok
    assert result.errors[0].line == 2
    assert "already in the portal" in result.errors[0].message
    assert PersonalDocument.objects.count() == 2


def test_a_dry_run_stores_nothing(structure, tmp_path, private_root):
    path = make_zip(tmp_path, good_rows(), {"a.pdf": pdf("A"), "b.pdf": pdf("B")})
    result = data_import_run(kind="documents", path=path, dry_run=True)
    assert result.ok and result.inserted == 2
    assert PersonalDocument.objects.count() == 0
    assert stored_files(private_root) == []


def test_the_command_imports_a_folder(structure, tmp_path, private_root, capsys):
    call_command("import_data", "documents", str(SAMPLES / "documents"))
    assert PersonalDocument.objects.count() == 2


def test_a_plain_csv_is_not_a_batch(structure, tmp_path, private_root):
    path = tmp_path / "manifest.csv"
    path.write_text(good_rows())
    result = data_import_run(kind="documents", path=path)
    assert not result.ok
    assert "ZIP file" in result.errors[0].message
