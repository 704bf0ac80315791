"""Forms of the member area's zones."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import LedgerEntry
from members import validators
from members.area.services import attachment_name
from members.models import Ballot

MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


class LedgerFilterForm(forms.Form):
    """The ledger page's filter (a GET form with Polish parameter names):
    the last twelve months by default, or a year, or one month of a year; and
    optionally one kind of entry."""

    rok = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int)
    miesiac = forms.TypedChoiceField(
        label=_("Month"),
        required=False,
        coerce=int,
        choices=[("", _("whole year"))] + MONTHS,
    )
    rodzaj = forms.ChoiceField(
        label=_("Kind of entry"),
        required=False,
        choices=[("", _("all kinds"))] + list(LedgerEntry.Kind.choices),
    )
    strona = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data, *, years: list[int], today: dt.date):
        super().__init__(data)
        self.today = today
        self.fields["rok"].choices = [("", _("last 12 months"))] + [
            (year, str(year)) for year in years
        ]

    def period(self) -> tuple[dt.date, dt.date, str | None, int]:
        """``(date_from, date_to, kind, page)``; invalid input means defaults."""
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("rok")
        month = data.get("miesiac")
        kind = data.get("rodzaj") or None
        page = data.get("strona") or 1
        today = self.today
        if year:
            if month:
                date_from = dt.date(year, month, 1)
                next_month = (date_from + dt.timedelta(days=32)).replace(day=1)
                date_to = next_month - dt.timedelta(days=1)
            else:
                date_from, date_to = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            # The last twelve months: from the day after the same day a year
            # ago (29 February: from 1 March), up to today.
            try:
                year_ago = today.replace(year=today.year - 1)
            except ValueError:
                year_ago = today.replace(year=today.year - 1, day=28)
            date_from, date_to = year_ago + dt.timedelta(days=1), today
        return date_from, min(date_to, today), kind, page


class DiscrepancyReportForm(forms.Form):
    """ "The balance does not match because…" (rules §III.5)."""

    message = forms.CharField(
        label=_("What does not match?"),
        help_text=_(
            "For example: a payment of 450,00 zł made on 5 March is missing. "
            "Give dates and amounts if you can."
        ),
        min_length=10,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        help_text=_("A PDF, JPG or PNG file up to 5 MB, e.g. a bank confirmation."),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
            }
        ),
    )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        # The name as it will be stored and shown to staff (shortened, if need
        # be, without losing its extension): the one checked.
        validators.validate_report_attachment(
            upload,
            name=attachment_name(upload.name),
            limit=settings.IOK_REPORT_ATTACHMENT_MAX_BYTES,
        )
        return upload


class BallotForm(forms.Form):
    """One unit's vote on a resolution (the page shows a form per unit)."""

    unit = forms.IntegerField(widget=forms.HiddenInput)
    choice = forms.ChoiceField(choices=Ballot.Choice.choices, widget=forms.RadioSelect)


class MeterReadingForm(forms.Form):
    """A resident's own reading of a meter."""

    reading_date = forms.DateField(
        label=_("Reading date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    value = forms.DecimalField(
        label=_("Meter reading"),
        help_text=_("All digits shown on the meter, with the decimal comma."),
        max_digits=12,
        decimal_places=3,
        min_value=0,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("reading_date", timezone.localdate())


postal_code_validator = RegexValidator(
    r"^\d{2}-\d{3}$", _("Enter the postal code as 00-000.")
)
phone_validator = RegexValidator(
    r"^\+?[0-9 ()-]{6,20}$", _("Enter a phone number of digits (and spaces).")
)


class ContactChangeForm(forms.Form):
    """What the resident would like the office to change; empty = no change."""

    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=40, validators=[phone_validator]
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(
        label=_("Correspondence address (street, number)"),
        required=False,
        max_length=300,
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        required=False,
        max_length=6,
        validators=[postal_code_validator],
    )
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    comment = forms.CharField(
        label=_("Comment for the office (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        fields = ("phone", "email", "address", "postal_code", "city")
        if not any(data.get(name) for name in fields):
            raise ValidationError(_("Fill in at least one field you want changed."))
        if data.get("postal_code") and not (data.get("address") or data.get("city")):
            raise ValidationError(
                _("A new postal code needs the new address or city with it.")
            )
        return data


# --- Repair requests --------------------------------------------------------------


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to ``max_count`` photos, each checked by its content
    (``members.validators.validate_photo``)."""

    widget = MultiplePhotoInput

    def __init__(self, *args, max_count: int, limit: int, **kwargs):
        self.max_count = max_count
        self.limit = limit
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [item for item in (data or []) if item]
        if not isinstance(data, list | tuple):
            uploads = [data] if data else []
        if len(uploads) > self.max_count:
            raise ValidationError(
                _("Add at most %(count)d photos.") % {"count": self.max_count}
            )
        errors = []
        for upload in uploads:
            try:
                validators.validate_photo(upload, limit=self.limit)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


class RepairRequestForm(forms.Form):
    """A fault in one of the resident's units or in a common area of its
    building."""

    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    place = forms.ChoiceField(
        label=_("Where is the fault?"),
        widget=forms.RadioSelect,
        initial="unit",
    )
    category = forms.ChoiceField(label=_("What is it about?"))
    description = forms.CharField(
        label=_("Describe the fault"),
        help_text=_(
            "What is broken, where exactly (e.g. the staircase, 3rd floor) and "
            "since when."
        ),
        min_length=10,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    convenient_time = forms.CharField(
        label=_("Convenient time for a visit (optional)"),
        help_text=_("For example: weekdays after 4 pm."),
        required=False,
        max_length=200,
    )

    def __init__(self, *args, units, **kwargs):
        from members.models import RepairRequest

        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            (summary.unit.pk, f"{summary.unit} – {summary.unit.building}")
            for summary in units
        ]
        if len(units) == 1:
            self.fields["unit"].initial = units[0].unit.pk
        self.fields["place"].choices = RepairRequest.Place.choices
        self.fields["category"].choices = [
            ("", _("– choose –")),
            *RepairRequest.Category.choices,
        ]
        limit = settings.IOK_REPAIR_PHOTO_MAX_BYTES
        count = settings.IOK_REPAIR_PHOTOS_MAX
        self.fields["photos"] = MultiplePhotoField(
            label=_("Photos (optional)"),
            help_text=_(
                "Up to %(count)d photos (JPG, PNG, WebP or HEIC), each up to %(mb)d MB."
            )
            % {"count": count, "mb": limit // (1024 * 1024)},
            max_count=count,
            limit=limit,
            widget=MultiplePhotoInput(
                attrs={
                    "accept": "image/jpeg,image/png,image/webp,image/heic,"
                    "image/heif,.jpg,.jpeg,.png,.webp,.heic,.heif"
                }
            ),
        )


class RepairReplyForm(forms.Form):
    """The resident's message in a request's thread."""

    text = forms.CharField(
        label=_("Your message to the office"),
        min_length=2,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
