"""A server-rendered SVG bar chart of a meter's consumption.

No JavaScript and no colour needed to read it: bars are filled with a hatch
pattern and outlined, every bar carries its value as text, the axis is
labelled, and the SVG has a ``<title>`` and ``<desc>``. The page also shows the
same numbers as a table (the accessible alternative). Only presentation
attributes are used (no ``style``), so the strict Content-Security-Policy holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ledger.formatting import format_quantity

WIDTH = 720
HEIGHT = 300
MARGIN_LEFT = 56
MARGIN_RIGHT = 12
MARGIN_TOP = 28
MARGIN_BOTTOM = 64
MAX_BARS = 24


@dataclass(frozen=True)
class Bar:
    """Consumption between the previous reading and ``until``."""

    until: dt.date
    value: Decimal


def _number(value: Decimal) -> str:
    return format_quantity(value.quantize(Decimal("0.001")))


def _f(value: float) -> str:
    """A coordinate with one decimal (SVG wants a dot, whatever the locale)."""
    return f"{value:.1f}"


def consumption_bars(readings) -> list[Bar]:
    """Bars from readings annotated with ``consumption`` (the first reading
    has none), the latest ``MAX_BARS`` of them."""
    bars = [
        Bar(until=reading.reading_date, value=reading.consumption)
        for reading in readings
        if reading.consumption is not None
    ]
    return bars[-MAX_BARS:]


def consumption_svg(
    bars: list[Bar], *, unit_of_measure: str, title: str, chart_id: str
) -> SafeString:
    """The chart as inline SVG; "" when there is nothing to draw."""
    if not bars:
        return mark_safe("")
    top = max((bar.value for bar in bars), default=Decimal(0))
    top = max(top, Decimal("0.001"))
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_w / len(bars)
    bar_w = min(max(4.0, slot * 0.7), 64.0)
    base_y = MARGIN_TOP + plot_h

    description = _(
        "Consumption in %(unit)s between consecutive readings, from %(first)s "
        "to %(last)s. The largest value is %(top)s %(unit)s. The same figures "
        "are in the table below."
    ) % {
        "unit": unit_of_measure,
        "first": date_format(bars[0].until, "SHORT_DATE_FORMAT"),
        "last": date_format(bars[-1].until, "SHORT_DATE_FORMAT"),
        "top": _number(top),
    }
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
            'class="chart" role="img" aria-labelledby="{}-title {}-desc" '
            'preserveAspectRatio="xMidYMid meet">'
            '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
            "<defs>"
            '<pattern id="{}-hatch" patternUnits="userSpaceOnUse" width="8" '
            'height="8" patternTransform="rotate(45)">'
            '<rect width="8" height="8" fill="#ffffff"/>'
            '<line x1="0" y1="0" x2="0" y2="8" stroke="#1a1a1a" '
            'stroke-width="3"/></pattern></defs>',
            WIDTH,
            HEIGHT,
            chart_id,
            chart_id,
            chart_id,
            title,
            chart_id,
            description,
            chart_id,
        )
    ]
    # Axes and a label with the unit of measure.
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1a1a1a" '
            'stroke-width="2"/>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1a1a1a" '
            'stroke-width="2"/>'
            '<text x="{}" y="{}" font-size="14" fill="#1a1a1a">{}</text>',
            MARGIN_LEFT,
            MARGIN_TOP,
            MARGIN_LEFT,
            base_y,
            MARGIN_LEFT,
            base_y,
            WIDTH - MARGIN_RIGHT,
            base_y,
            4,
            16,
            unit_of_measure,
        )
    )
    for fraction in (Decimal("0.5"), Decimal(1)):
        y = base_y - float(fraction) * plot_h
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#6b7785" '
                'stroke-dasharray="4 4"/>'
                '<text x="{}" y="{}" font-size="12" text-anchor="end" '
                'fill="#1a1a1a">{}</text>',
                MARGIN_LEFT,
                _f(y),
                WIDTH - MARGIN_RIGHT,
                _f(y),
                MARGIN_LEFT - 6,
                _f(y + 4),
                _number(top * fraction),
            )
        )
    for index, bar in enumerate(bars):
        height = float(bar.value / top) * plot_h if bar.value > 0 else 0.0
        x = MARGIN_LEFT + index * slot + (slot - bar_w) / 2
        center = x + bar_w / 2
        label = date_format(bar.until, "m.Y")
        parts.append(
            format_html(
                "<g><title>{}</title>"
                '<rect x="{}" y="{}" width="{}" height="{}" '
                'fill="url(#{}-hatch)" stroke="#1a1a1a" stroke-width="1.5"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="middle" '
                'fill="#1a1a1a">{}</text>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" '
                'fill="#1a1a1a" transform="rotate(-45 {} {})">{}</text></g>',
                f"{date_format(bar.until, 'SHORT_DATE_FORMAT')}: "
                f"{_number(bar.value)} {unit_of_measure}",
                _f(x),
                _f(base_y - height),
                _f(bar_w),
                _f(height),
                chart_id,
                _f(center),
                _f(base_y - height - 4),
                _number(bar.value),
                _f(center),
                base_y + 16,
                _f(center),
                base_y + 16,
                label,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308
