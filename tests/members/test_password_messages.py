"""Django's password-similarity message in grammatical Polish (issue 14,
point 11): Django's own catalogue says "zbyt podobne do nazwa użytkownika"."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

import pytest


@pytest.mark.django_db
def test_the_similarity_message_is_grammatical_polish(django_user_model):
    user = django_user_model(username="kowalski2024")
    with translation.override("pl"), pytest.raises(ValidationError) as caught:
        validate_password("kowalski2024x", user)
    messages = " ".join(caught.value.messages)
    assert "Hasło jest zbyt podobne do pola „nazwa użytkownika”." in messages
    assert "podobne do nazwa" not in messages
