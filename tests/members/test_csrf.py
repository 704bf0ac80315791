"""CSRF is enforced on login and every form: a POST without a token is refused."""

from django.test import Client

import pytest

from .conftest import make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


ANONYMOUS_FORMS = [
    "/iok/login/",
    "/iok/login/code/",
    "/iok/login/enrol/",
    "/admin/login/",
]
MEMBER_FORMS = [
    "/iok/logout/",
    "/iok/password/",
    "/iok/security/app/",
    "/iok/security/disable/",
    "/iok/security/backup-codes/",
]


@pytest.mark.parametrize("url", ANONYMOUS_FORMS)
def test_anonymous_forms_refuse_a_post_without_token(csrf_client, url):
    make_resident("100300")
    response = csrf_client.post(url, {"username": "100300", "password": "lato2026"})
    assert response.status_code == 403


@pytest.mark.parametrize("url", MEMBER_FORMS)
def test_member_forms_refuse_a_post_without_token(csrf_client, url):
    user = make_resident("100301")
    csrf_client.force_login(user)
    response = csrf_client.post(
        url,
        {
            "old_password": "lato2026",
            "new_password1": "zima2027",
            "new_password2": "zima2027",
            "password": "lato2026",
            "code": "123456",
        },
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.check_password("lato2026")


def test_office_forms_refuse_a_post_without_token(registrar):
    from django_otp import DEVICE_ID_SESSION_KEY

    resident = make_resident("100302")
    client = Client(enforce_csrf_checks=True)
    client.force_login(registrar)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = registrar.totp.persistent_id
    session.save()
    for url in [
        f"/admin/members/accounts/party/{resident.party_id}/create/",
        f"/admin/members/accounts/{resident.pk}/reset/",
        f"/admin/members/accounts/{resident.pk}/block/",
        f"/admin/members/accounts/{resident.pk}/unblock/",
        f"/admin/members/accounts/{resident.pk}/unlock/",
    ]:
        assert client.post(url, {"reason": "x"}).status_code == 403, url
    resident.refresh_from_db()
    assert resident.blocked_at is None
    assert resident.check_password("lato2026")


def test_staff_two_factor_forms_refuse_a_post_without_token(
    staff_client, django_user_model
):
    from django_otp import DEVICE_ID_SESSION_KEY

    editor = django_user_model.objects.create_user("redaktor2", is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_client.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = staff_client.session[DEVICE_ID_SESSION_KEY]
    session.save()
    for url in [
        f"/admin/members/staff-2fa/{editor.pk}/open/",
        f"/admin/members/staff-2fa/{editor.pk}/remove/",
    ]:
        assert client.post(url).status_code == 403, url
    editor.refresh_from_db()
    assert editor.otp_enrolment_until is None
