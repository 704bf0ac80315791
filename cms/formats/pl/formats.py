"""Polish formats as the cooperative writes them, on top of Django's own
``django/conf/locale/pl/formats.py``, which already gives the decimal comma,
the non-breaking space between thousands (``NUMBER_GROUPING = 3``) and the long
date (``DATE_FORMAT = "j E Y"``: 14 marca 2025). Only the short forms differ:
Django writes ``14-03-2025``, statements, letters and the member area write
``14.03.2025``. Use them by name, never by hand: ``|date:"SHORT_DATE_FORMAT"``
and ``django.utils.formats.date_format(value, "SHORT_DATE_FORMAT")``."""

SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
