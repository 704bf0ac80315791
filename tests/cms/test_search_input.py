"""Issue 12, item 11: crafted search input gives results or none, never a 500 or
a "database unavailable" page (on SQLite's FTS5 and PostgreSQL alike)."""

import logging

from django.test import Client

import pytest

from cms.queries import search_terms

CRAFTED = [
    "\x00",
    "woda\x00",
    '"',
    'ciepłej "wody',
    "*",
    "ciepł*",
    "(",
    ")",
    "^woda",
    "woda:",
    "NEAR(woda",
    "woda AND",
    "woda OR",
    "NEAR",
    "woda NEAR/2 ciepła",
    "OR",
    "NOT woda",
    "-woda",
    "+",
    "'",
    "\\",
    "%",
    "woda' OR '1'='1",
    "\x1b[31m",
    "ciepłej\u200bwody",
    "a" * 500,
    "!@#$%^&*()_+{}|:<>?",
]


@pytest.mark.parametrize("query", CRAFTED)
def test_crafted_query_answers_200_without_a_database_error(demo_site, query, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.WARNING):
        response = client.get("/szukaj/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "niedostępn" not in html.lower()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "\x00" not in html


def test_words_around_crafted_characters_are_still_found(demo_site):
    for query in ['"ciepłej"', "ciepłej\x00", "ciepłej*", "(ciepłej)", "CIEPŁEJ:"]:
        html = Client().get("/szukaj/", {"q": query}).content.decode()
        assert "Przerwa w dostawie ciepłej wody" in html, query


@pytest.mark.parametrize(
    ("raw", "terms"),
    [
        ("  ciepłej  wody ", "ciepłej wody"),
        ('ciepłej "wody', "ciepłej wody"),
        ("woda\x00", "woda"),
        ("NEAR(woda", "near woda"),
        ("woda AND OR NOT", "woda and or not"),
        ("Near", "near"),
        ("Źródło", "Źródło"),
        ("Walne Zgromadzenie", "Walne Zgromadzenie"),
        ("***", ""),
    ],
)
def test_search_terms_are_words_only(raw, terms):
    assert search_terms(raw) == terms
