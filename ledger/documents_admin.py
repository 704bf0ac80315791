"""The office's screens for personal documents (issue 18), in the Records
("Ewidencja") group of the admin: the list of documents (read-only: they come
from the accounting system), one document's PDF for staff, and the upload of
one document for one unit, checked by the same rules as the import
(``ledger.documents.add_document``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from wagtail import hooks
from wagtail.admin.menu import MenuItem, SubmenuMenuItem

from ledger.documents import MAX_DOCUMENT_BYTES, add_document
from ledger.models import Party, PersonalDocument, Unit

UPLOAD_PERMISSION = "ledger.add_personaldocument"
VIEW_PERMISSION = "ledger.view_personaldocument"


class DocumentUploadForm(forms.Form):
    party = forms.CharField(
        label=gettext_lazy("Party number"),
        max_length=20,
        help_text=gettext_lazy(
            "The addressee: the party number (login) of the resident."
        ),
    )
    unit = forms.CharField(
        label=gettext_lazy("Unit code"),
        max_length=30,
        help_text=gettext_lazy(
            "The party must hold a right to this unit on the document's date."
        ),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of document"), choices=PersonalDocument.Kind.choices
    )
    date = forms.DateField(label=gettext_lazy("Document date"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    file = forms.FileField(
        label=gettext_lazy("PDF file"),
        help_text=gettext_lazy("A PDF of at most 20 MB."),
    )

    def clean_party(self):
        number = self.cleaned_data["party"].strip()
        party = Party.objects.filter(number=number).first()
        if party is None:
            raise ValidationError(_("There is no party with this number."))
        return party

    def clean_unit(self):
        code = self.cleaned_data["unit"].strip()
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise ValidationError(_("There is no unit with this code."))
        return unit

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)d MB.")
                % {"size": MAX_DOCUMENT_BYTES // 2**20}
            )
        return upload

    def save(self) -> PersonalDocument:
        """The document, or the rules' errors put on the form's fields."""
        data = self.cleaned_data
        upload = data["file"]
        upload.seek(0)
        try:
            return add_document(
                party=data["party"],
                unit=data["unit"],
                kind=data["kind"],
                date=data["date"],
                title=data["title"],
                content=upload.read(MAX_DOCUMENT_BYTES + 1),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
            return None


@never_cache
@permission_required(UPLOAD_PERMISSION, raise_exception=True)
def upload_view(request):
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = form.save()
        if document is not None:
            messages.success(
                request,
                _("The document %(title)s was added for %(party)s, unit %(unit)s.")
                % {
                    "title": document.title,
                    "party": document.party,
                    "unit": document.unit,
                },
            )
            return redirect("ledger_documents:upload")
    return render(request, "ledger/documents/upload.html", {"form": form})


@never_cache
@permission_required(VIEW_PERMISSION, raise_exception=True)
def file_view(request, pk: int):
    """The PDF for staff (the admin is audited by StaffViewAuditMiddleware)."""
    document = get_object_or_404(PersonalDocument, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store, max-age=0"
    return response


app_name = "ledger_documents"
urlpatterns = [
    path("upload/", upload_view, name="upload"),
    path("<int:pk>/pdf/", file_view, name="file"),
]


def document_link(document: PersonalDocument):
    return format_html(
        '<a href="{}">{}</a>',
        reverse("ledger_documents:file", args=[document.pk]),
        _("Download the PDF"),
    )


@hooks.register("register_admin_urls")
def register_document_urls():
    return [path("ledger-documents/", include((urlpatterns, app_name)))]


class UploadMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(UPLOAD_PERMISSION)


@hooks.register("construct_main_menu")
def add_upload_to_records_menu(request, menu_items):
    """ "Add a personal document" in the Records group, after the documents."""
    for item in menu_items:
        if not isinstance(item, SubmenuMenuItem):
            continue
        items = item.menu.registered_menu_items
        if not any("/admin/ledger/" in getattr(i, "url", "") for i in items):
            continue  # not the Records group
        if not any(isinstance(i, UploadMenuItem) for i in items):
            items.append(
                UploadMenuItem(
                    gettext_lazy("Add a personal document"),
                    reverse("ledger_documents:upload"),
                    name="ledger-document-upload",
                    icon_name="doc-full",
                    order=10_001,
                )
            )
        return
