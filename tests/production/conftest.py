"""Fixtures of the production tests: collected static files, residents whose
password the production hasher (Argon2) can check."""

from django.contrib.auth.hashers import Argon2PasswordHasher

import pytest

from tests.area.conftest import make_resident

from .servers import collect_static

RESIDENT_PASSWORD = "Haslo123"


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """``collectstatic`` once, with production's compressed manifest storage."""
    root = tmp_path_factory.mktemp("static")
    collect_static(root, "sqlite:///unused.sqlite3")
    return root


def argon2(password: str) -> str:
    # The test settings use MD5 for speed; the servers run production's Argon2.
    hasher = Argon2PasswordHasher()
    return hasher.encode(password, hasher.salt())


@pytest.fixture
def production_resident(django_user_model):
    """A resident with one flat and a changed password, stored with Argon2."""
    user, party, units = make_resident(
        django_user_model, number="610001", name="Zofia Produkcyjna"
    )
    user.password = argon2(RESIDENT_PASSWORD)
    user.must_change_password = False
    user.save()
    return user
