"""The board's password rule (§II.7) as a Django password validator.

The rule says: at least 6 characters and at least 1 digit. That is the floor. The
settings ``IOK_PASSWORD_MIN_LENGTH`` and ``IOK_PASSWORD_REQUIRE_UPPER`` /
``_LOWER`` / ``_SPECIAL`` make it stricter; a value below the floor is ignored, so
the rule can never be made weaker than the board's. OWASP ASVS asks for 8+
characters: see docs/security.md.

Also the checks of files residents upload (report attachments, repair photos):
see "Residents' uploads" below.
"""

import io
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

#: Django's UserAttributeSimilarityValidator message. Django's Polish puts the
#: field's name in the nominative ("zbyt podobne do nazwa użytkownika"); the
#: members catalogue (ahead of django.contrib.auth's) gives a grammatical form.
#: Marked here so that makemessages keeps the entry.
SIMILARITY_MESSAGE = gettext_noop(
    "The password is too similar to the %(verbose_name)s."
)

BOARD_MIN_LENGTH = 6
BOARD_MIN_DIGITS = 1
ASCII_DIGITS = frozenset("0123456789")
SPECIAL_CHARACTERS = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ")


def _setting(name: str, default):
    return getattr(settings, name, default)


class CooperativePasswordValidator:
    """At least ``min_length`` characters (never below 6) and at least one digit;
    optionally an upper-case letter, a lower-case letter and a special character.

    Each failed rule produces its own message, so the user sees exactly what to fix.
    Options given in ``AUTH_PASSWORD_VALIDATORS`` act as defaults; the ``IOK_…``
    settings override them (they are read on each call, so tests and deployments
    can change them without rebuilding the validator list).
    """

    def __init__(
        self,
        min_length: int = BOARD_MIN_LENGTH,
        require_upper: bool = False,
        require_lower: bool = False,
        require_special: bool = False,
    ):
        self._min_length = min_length
        self._require_upper = require_upper
        self._require_lower = require_lower
        self._require_special = require_special

    @property
    def min_length(self) -> int:
        configured = _setting("IOK_PASSWORD_MIN_LENGTH", self._min_length)
        return max(BOARD_MIN_LENGTH, int(configured))

    @property
    def require_upper(self) -> bool:
        return bool(_setting("IOK_PASSWORD_REQUIRE_UPPER", self._require_upper))

    @property
    def require_lower(self) -> bool:
        return bool(_setting("IOK_PASSWORD_REQUIRE_LOWER", self._require_lower))

    @property
    def require_special(self) -> bool:
        return bool(_setting("IOK_PASSWORD_REQUIRE_SPECIAL", self._require_special))

    def validate(self, password, user=None):
        errors = []
        min_length = self.min_length
        if len(password) < min_length:
            errors.append(
                ValidationError(
                    ngettext(
                        "The password is too short: it must have at least "
                        "%(min_length)d character (it has %(length)d).",
                        "The password is too short: it must have at least "
                        "%(min_length)d characters (it has %(length)d).",
                        min_length,
                    )
                    % {"min_length": min_length, "length": len(password)},
                    code="password_too_short",
                    params={"min_length": min_length},
                )
            )
        # An ASCII digit: str.isdigit() also accepts "²" or "٣", which the board
        # rule (and the letter telling residents about it) does not mean.
        if sum(ch in ASCII_DIGITS for ch in password) < BOARD_MIN_DIGITS:
            errors.append(
                ValidationError(
                    _("The password must contain at least one digit (0–9)."),
                    code="password_no_digit",
                )
            )
        if self.require_upper and not any(ch.isupper() for ch in password):
            errors.append(
                ValidationError(
                    _("The password must contain at least one capital letter."),
                    code="password_no_upper",
                )
            )
        if self.require_lower and not any(ch.islower() for ch in password):
            errors.append(
                ValidationError(
                    _("The password must contain at least one lower-case letter."),
                    code="password_no_lower",
                )
            )
        if self.require_special and not any(
            ch in SPECIAL_CHARACTERS for ch in password
        ):
            errors.append(
                ValidationError(
                    _(
                        "The password must contain at least one special character, "
                        "e.g. ! ? # % or a space."
                    ),
                    code="password_no_special",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        parts = [
            ngettext(
                "at least %(min_length)d character",
                "at least %(min_length)d characters",
                self.min_length,
            )
            % {"min_length": self.min_length},
            _("at least one digit"),
        ]
        if self.require_upper:
            parts.append(_("a capital letter"))
        if self.require_lower:
            parts.append(_("a lower-case letter"))
        if self.require_special:
            parts.append(_("a special character"))
        return _("Your password must have: %(rules)s.") % {"rules": ", ".join(parts)}


# --- Residents' uploads -----------------------------------------------------------
# The one place where files residents upload are checked: the attachment of a
# discrepancy report (by its first bytes) and the photos of a repair request
# (decoded by Pillow). Forms call these; a refused file is never saved.

#: Attachments a resident may add to a report: scans and photos of documents,
#: recognised by their first bytes as well as their name.
ATTACHMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}

#: What Pillow must recognise a repair photo as (HEIF: iPhones' default).
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "HEIF"})
#: More pixels than any phone's camera (48 Mpx): a small file that would
#: decode to gigabytes (a "decompression bomb") is refused before decoding.
PHOTO_MAX_PIXELS = 60_000_000


def validate_upload_size(upload, limit: int) -> None:
    """Refuse a file larger than ``limit`` bytes, saying the limit in MB."""
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (at most %(mb)d MB).")
            % {"mb": limit // (1024 * 1024)},
            code="file_too_large",
        )


def validate_report_attachment(upload, *, name: str, limit: int) -> None:
    """A report's attachment: a PDF, JPG or PNG whose first bytes match the
    extension of ``name`` (the name as it will be stored)."""
    validate_upload_size(upload, limit)
    extension = os.path.splitext(name)[1]
    signatures = ATTACHMENT_SIGNATURES.get(extension)
    if signatures is None:
        raise ValidationError(
            _("Only PDF, JPG and PNG files can be attached."), code="file_type"
        )
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(
            _("The file's content does not match its type (%(ext)s).")
            % {"ext": extension},
            code="file_content",
        )


def open_photo(upload):
    """The upload decoded as an image by Pillow (its content, whatever its
    name), or ``ValidationError`` when it is not a JPEG, PNG, WebP or HEIC
    photo. The returned image is loaded (pixels decoded)."""
    from PIL import Image, UnidentifiedImageError

    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - pillow-heif comes with Wagtail
        pass
    else:
        register_heif_opener()
    refused = ValidationError(
        _("%(name)s is not a photo: only JPG, PNG, WebP and HEIC images can be added.")
        % {"name": os.path.basename(getattr(upload, "name", "") or "")},
        code="not_a_photo",
    )
    try:
        upload.seek(0)
        # A copy in memory (at most the size limit, checked first): Pillow
        # may close the file it is given.
        data = upload.read()
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if probe.format not in PHOTO_FORMATS or width * height > PHOTO_MAX_PIXELS:
                raise refused
            probe.verify()
        # verify() leaves the image unusable: open it again to decode it.
        image = Image.open(io.BytesIO(data))
        image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise refused from error
    except Exception as error:  # a broken file of any kind
        raise refused from error
    finally:
        upload.seek(0)
    return image


def validate_photo(upload, *, limit: int) -> None:
    """A repair request's photo: at most ``limit`` bytes, and an image by its
    content (a PDF renamed ``.jpg`` is refused)."""
    validate_upload_size(upload, limit)
    open_photo(upload).close()
