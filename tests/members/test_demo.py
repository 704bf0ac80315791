"""The demo accounts of PRODUCT.md, created by `seed_demo` (members.demo.seed)."""

import io
import re

from django.test import Client

import pytest
from django_otp.oath import totp

from members import demo
from members.models import User

from .conftest import login

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    demo.seed(stdout=out)
    return out.getvalue()


def test_demo_creates_exactly_the_accounts_of_the_product_design():
    seed()
    output = seed()  # idempotent
    assert set(User.objects.values_list("username", flat=True)) == {
        "admin",
        "100001",
        "100002",
        "100003",
    }
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("Admin12345!")
    first, second, blocked = (
        User.objects.get(username=n) for n in ("100001", "100002", "100003")
    )
    assert first.check_password("start1") and first.must_change_password
    assert second.check_password("demo1234") and not second.must_change_password
    assert (
        blocked.check_password("demo1234")
        and blocked.is_blocked
        and blocked.blocked_reason
    )
    for user in (first, second, blocked):
        assert user.party.number == user.username
    assert "otpauth://totp/" in output
    for line in (
        "admin / Admin12345!",
        "100001 / start1",
        "100002 / demo1234",
        "100003 / demo1234",
    ):
        assert line in output


def test_demo_accounts_behave_as_described():
    output = seed()
    client = Client()
    login(client, "100001", "start1")
    assert client.get("/iok/")["Location"] == "/iok/password/"
    client = Client()
    login(client, "100002", "demo1234")
    assert client.get("/iok/").status_code == 200
    refused = login(Client(), "100003", "demo1234")
    assert "zablokowane" in refused.content.decode()

    key = re.search(r"TOTP key \(base32\): ([A-Z2-7]+)", output).group(1)
    import base64

    code = totp(base64.b32decode(key))
    admin = Client()
    response = admin.post(
        "/admin/login/",
        {"username": "admin", "password": "Admin12345!", "otp_token": f"{code:06d}"},
    )
    assert response.status_code == 302
    assert admin.get("/admin/").status_code == 200
