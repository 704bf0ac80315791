"""The upload form of the admin import screen."""

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import Period
from .specs import KINDS

MAX_UPLOAD_BYTES = 512 * 1024 * 1024
EXTENSIONS = {".csv", ".txt", ".xlsx"}
#: A batch of documents with its manifest (the ``documents`` kind).
BATCH_EXTENSIONS = {".zip"}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of data"),
        choices=[(name, spec.label) for name, spec in KINDS.items()],
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV with ; or , as the separator, in UTF-8 or Windows-1250, or XLSX; "
            "personal documents as a ZIP file with manifest.csv. "
            "The formats are described in docs/import-formats.md."
        ),
    )
    source = forms.RegexField(
        label=_("Source system"),
        initial="fk",
        max_length=20,
        regex=r"^[A-Za-z0-9_-]+$",
        help_text=_("Name of the accounting system the file comes from."),
    )
    replace_period = forms.CharField(
        label=_("The file is a full export of the period"),
        required=False,
        max_length=30,
        help_text=_(
            "For ledger entries, loan entries and readings only, e.g. "
            "2026-01..2026-11, or auto for the file's own first to last period. "
            "Entries of the file's units in that period which the file no longer "
            "has will be removed. Leave empty for a file that only adds and "
            "corrects."
        ),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        required=False,
        choices=[
            ("", _("detect")),
            ("utf-8", "UTF-8"),
            ("cp1250", "Windows-1250"),
        ],
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in EXTENSIONS | BATCH_EXTENSIONS:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.")
                % {"size": MAX_UPLOAD_BYTES // 2**20}
            )
        return upload

    def clean_replace_period(self):
        text = self.cleaned_data["replace_period"].strip()
        if not text:
            return None
        try:
            return Period.parse(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        upload = cleaned.get("file")
        if kind and upload is not None:
            batch = Path(upload.name).suffix.lower() in BATCH_EXTENSIONS
            if KINDS[kind].bundle and not batch:
                self.add_error(
                    "file", _("Documents come as a ZIP file with manifest.csv.")
                )
            elif batch and not KINDS[kind].bundle:
                self.add_error("file", _("Upload a .csv or .xlsx file."))
        if cleaned.get("replace_period") and kind and KINDS[kind].replace is None:
            self.add_error(
                "replace_period",
                _("Files of this kind do not replace a period."),
            )
        return cleaned
