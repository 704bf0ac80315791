"""Fixtures for the accounts tests: residents in each state, staff with TOTP."""

import copy
import importlib.util

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ledger.models import Party

User = get_user_model()


@pytest.fixture(autouse=True)
def _render_without_site_settings(settings):
    """templates/base.html reads ``settings.cms.SiteSettings``, which the public-site
    branch adds. Until it exists here, drop Wagtail's settings context processor so
    pages render (the template falls back to its default name)."""
    try:
        apps.get_model("cms", "SiteSettings")
    except LookupError:
        templates = copy.deepcopy(settings.TEMPLATES)
        processors = templates[0]["OPTIONS"]["context_processors"]
        processors.remove("wagtail.contrib.settings.context_processors.settings")
        settings.TEMPLATES = templates


def load_production_settings():
    """``cms.settings.production`` executed afresh from its file, with the
    current environment, as a module of its own: ``sys.modules`` is left alone,
    so the settings the test run uses are not replaced."""
    spec = importlib.util.find_spec("cms.settings.production")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def totp_now(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code the user's app shows now (or ``offset_steps`` steps later)."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, offset_steps)
    return f"{code:06d}"


def make_resident(number: str, password: str = "lato2026", **fields):  # noqa: S107
    party, _created = Party.objects.get_or_create(
        number=number, defaults={"name": f"Mieszkaniec {number}"}
    )
    user = User(username=number, party=party, **fields)
    user.set_password(password)
    user.save()
    return user


def login(client: Client, username: str, password: str, **extra):
    return client.post(
        "/iok/login/", {"username": username, "password": password}, **extra
    )


@pytest.fixture
def resident(db):
    return make_resident("100200")


@pytest.fixture
def new_resident(db):
    """Created at the office: first password ``start1``, must change it."""
    return make_resident("100201", "start1", must_change_password=True)


@pytest.fixture
def staff_user(db):
    user = User.objects.create_superuser(
        username="kierownik", password="Admin12345!", email="k@example.org"
    )
    user.totp = TOTPDevice.objects.create(user=user, name="authenticator")
    return user


@pytest.fixture
def registrar(db):
    user = User.objects.create_user(
        username="rejestrator", password="Biuro2026!", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Rejestratorzy"))
    user.totp = TOTPDevice.objects.create(user=user, name="authenticator")
    return user


@pytest.fixture
def registrar_client(registrar) -> Client:
    client = Client()
    response = client.post(
        "/admin/login/",
        {
            "username": "rejestrator",
            "password": "Biuro2026!",
            "otp_token": totp_now(registrar.totp),
        },
    )
    assert response.status_code == 302, response.content
    return client
