"""The board's password rule (§II.7) and the settings that make it stricter."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from members.validators import CooperativePasswordValidator


def messages_for(password: str, user=None) -> list[str]:
    with translation.override("pl"):
        try:
            validate_password(password, user)
        except ValidationError as error:
            return error.messages
    return []


def test_password_without_a_digit_is_rejected_with_the_digit_message():
    messages = messages_for("abcdef")
    assert "Hasło musi zawierać co najmniej jedną cyfrę (0–9)." in messages
    # Long enough: only the rules that failed are named.
    assert not any("za krótkie" in message for message in messages)


def test_too_short_password_is_rejected_with_the_length_message():
    messages = messages_for("a1b2")
    assert messages == ["Hasło jest za krótkie: musi mieć co najmniej 6 znaków (ma 4)."]


def test_board_example_password_is_accepted():
    assert messages_for("lato2026") == []


def test_common_password_is_rejected_by_djangos_list():
    assert any("powszechne" in message for message in messages_for("password1"))


def test_password_similar_to_the_identifier_is_rejected(django_user_model):
    user = django_user_model(username="kowalski77")
    assert any("podobne" in message for message in messages_for("kowalski77", user))


def test_settings_make_the_rule_stricter(settings):
    settings.IOK_PASSWORD_MIN_LENGTH = 10
    settings.IOK_PASSWORD_REQUIRE_UPPER = True
    settings.IOK_PASSWORD_REQUIRE_SPECIAL = True
    messages = messages_for("lato2026")
    assert "Hasło jest za krótkie: musi mieć co najmniej 10 znaków (ma 8)." in messages
    assert "Hasło musi zawierać co najmniej jedną wielką literę." in messages
    assert any("znak specjalny" in message for message in messages)
    assert messages_for("Lato-2026-x") == []


def test_settings_cannot_make_the_rule_weaker_than_the_board(settings):
    settings.IOK_PASSWORD_MIN_LENGTH = 3
    assert CooperativePasswordValidator().min_length == 6
    assert messages_for("a1b2") != []


def test_digits_only_password_meets_the_floor_but_common_ones_are_refused():
    # "123456" satisfies §II.7 literally but is in Django's common-password list.
    assert any("powszechne" in message for message in messages_for("123456"))
    assert messages_for("804213") == []


def test_base_and_production_settings_hash_with_argon2_first(monkeypatch):
    # The tests use MD5 for speed (cms/settings/test.py); production must not.
    from cms.settings import base

    from .conftest import load_production_settings

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "example.org")
    production = load_production_settings()
    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
