"""Money and dates for people come from one place (``ledger.formatting``) and
follow Django's localization with the cooperative's Polish formats."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from ledger.formatting import (
    date_formatter,
    format_date,
    format_money,
    format_quantity,
)


def test_money_is_grouped_with_a_non_breaking_space_and_a_decimal_comma():
    with translation.override("pl"):
        assert format_money(Decimal("1234567.5")) == "1\xa0234\xa0567,50\xa0zł"
        assert format_money(Decimal("-530")) == "-530,00\xa0zł"
        assert format_money(Decimal("0.005")) == "0,01\xa0zł"  # half up
        assert format_money(None) == ""


def test_money_follows_the_active_language():
    with translation.override("en"):
        assert format_money(Decimal("1234.5")) == "1,234.50\xa0zł"


def test_the_money_filter_is_the_same_function():
    with translation.override("pl"):
        html = Template("{% load ledger_tags %}{{ amount|money }}").render(
            Context({"amount": Decimal("1234.56")})
        )
    assert html == format_money(Decimal("1234.56"))


def test_short_dates_are_written_with_dots_in_polish():
    day = dt.date(2025, 3, 4)
    with translation.override("pl"):
        assert format_date(day) == "04.03.2025"
        assert format_date(day, "DATE_FORMAT") == "4 marca 2025"
        assert date_formatter("m.Y")(day) == "03.2025"
        assert format_date(None) == ""
        assert (
            Template('{{ day|date:"SHORT_DATE_FORMAT" }}').render(Context({"day": day}))
            == "04.03.2025"
        )


def test_month_names_are_not_shared_between_languages():
    day = dt.date(2025, 3, 4)
    with translation.override("pl"):
        assert format_date(day, "DATE_FORMAT") == "4 marca 2025"
    with translation.override("en"):
        assert "March" in format_date(day, "DATE_FORMAT")


def test_readings_keep_only_the_decimals_they_have():
    with translation.override("pl"):
        assert format_quantity(Decimal("569.500")) == "569,5"
        assert format_quantity(Decimal("1200.000")) == "1\xa0200"
        assert format_quantity("not a number") == ""
        assert format_quantity(None) == ""
