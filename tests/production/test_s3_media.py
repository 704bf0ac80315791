"""Media in an S3-compatible bucket (MEDIA_STORAGE=s3, django-storages): two
production app servers share a real S3 endpoint (moto_server, started here on a
test port) and keep it private.

A resident's discrepancy-report attachment uploaded through server A lands in
the bucket (not on the app server's disk), is downloaded through server B by
its owner only (another resident gets 404, a visitor the login page), and
Wagtail documents stored in the bucket are streamed by Django's serve view,
with private collections enforced: no page ever sends anyone to the bucket.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import subprocess
import time
import uuid

from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model

import pytest
import requests

from cms.audiences import audience_collection
from cms.models import Audience
from members.models import DiscrepancyReport
from tests.area.conftest import make_resident

from .conftest import RESIDENT_PASSWORD, argon2
from .servers import (
    BIN,
    CSRF_FIELD,
    AppServer,
    HttpClient,
    free_port,
    production_env,
    require_postgresql,
)
from .servers import shared_database_url as database_url

boto3 = pytest.importorskip("boto3")

pytestmark = pytest.mark.django_db(transaction=True)

BUCKET = "iok-media-test"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
REGION = "eu-central-1"
PDF = b"%PDF-1.4\n" + b"1 0 obj<<>>endobj\n" * 2000 + b"trailer<<>>\n%%EOF\n"


class S3Server:
    """``moto_server``: a real S3 HTTP endpoint, in memory, in its own process
    group; stopped (and killed if need be) afterwards."""

    def __init__(self, port: int, log_path):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.process = None

    def start(self, timeout: float = 30) -> S3Server:
        self.process = subprocess.Popen(
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"moto_server exited: {self.log_path.read_text()}")
            with contextlib.suppress(requests.RequestException):
                requests.get(self.url, timeout=1)
                return self
            time.sleep(0.2)
        self.stop()
        pytest.fail("moto_server did not answer")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def client(self):
        return boto3.client(
            "s3", endpoint_url=self.url, region_name=REGION, **CREDENTIALS
        )


@pytest.fixture(scope="module")
def s3_setup(django_db_setup, static_root, tmp_path_factory):
    """The S3 server and two app servers whose media live in its bucket."""
    require_postgresql()
    tmp = tmp_path_factory.mktemp("s3")
    s3 = S3Server(free_port(), tmp / "moto.log").start()
    try:
        s3.client().create_bucket(
            Bucket=BUCKET,
            CreateBucketConfiguration={"LocationConstraint": REGION},
        )
        disk = tmp / "disk"
        env = production_env(
            database_url(),
            static_root,
            MEDIA_STORAGE="s3",
            AWS_STORAGE_BUCKET_NAME=BUCKET,
            AWS_S3_ENDPOINT_URL=s3.url,
            AWS_S3_REGION_NAME=REGION,
            AWS_ACCESS_KEY_ID=CREDENTIALS["aws_access_key_id"],
            AWS_SECRET_ACCESS_KEY=CREDENTIALS["aws_secret_access_key"],
            # The local folders exist but must stay empty: files go to S3.
            MEDIA_ROOT=str(disk / "media"),
            IOK_PRIVATE_MEDIA_ROOT=str(disk / "private"),
        )
        (disk / "media").mkdir(parents=True)
        (disk / "private").mkdir()
        port_a = free_port((s3.port,))
        a = AppServer(env, port_a, tmp / "a.log", "server A").start()
        try:
            port_b = free_port((s3.port, port_a))
            b = AppServer(env, port_b, tmp / "b.log", "server B").start()
            try:
                yield s3, a, b, disk
            finally:
                b.stop()
        finally:
            a.stop()
    finally:
        s3.stop()


def objects(s3: S3Server, prefix: str = "") -> dict[str, bytes]:
    client = s3.client()
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
        for item in listed
    }


def files_under(path) -> list:
    return [p for p in path.rglob("*") if p.is_file()]


def resident(django_user_model, number: str, name: str):
    user, _party, units = make_resident(django_user_model, number=number, name=name)
    user.password = argon2(RESIDENT_PASSWORD)
    user.must_change_password = False
    user.save()
    return user, units[0]


def test_report_attachment_lives_in_the_bucket_and_only_its_owner_gets_it(
    s3_setup, django_user_model
):
    s3, a, b, disk = s3_setup
    owner, unit = resident(django_user_model, "620001", "Ewa Chmurna")
    other, _other_unit = resident(django_user_model, "620002", "Jan Sąsiedni")

    browser = HttpClient()
    assert browser.login(a.url, owner.username, RESIDENT_PASSWORD).status_code == 302
    ledger = browser.get(a.url + reverse("members:ledger", args=[unit.pk]))
    token = CSRF_FIELD.search(ledger.text).group(1)
    sent = browser.request(
        "POST",
        a.url + reverse("members:report-create", args=[unit.pk]),
        data={
            "csrfmiddlewaretoken": token,
            "message": "Brakuje mojej wpłaty 530,00 zł z 8 lutego.",
        },
        files={"attachment": ("potwierdzenie.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 302, sent.text[:500]

    report = DiscrepancyReport.objects.get(party__number="620001")
    assert report.attachment_name == "potwierdzenie.pdf"
    stored = objects(s3, "private/")
    assert stored == {f"private/{report.attachment.name}": PDF}
    assert files_under(disk) == []  # nothing on the app server's disk
    acl = s3.client().get_object_acl(
        Bucket=BUCKET, Key=f"private/{report.attachment.name}"
    )
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
    assert "URI" not in acl["Grants"][0]["Grantee"]  # no AllUsers / AuthenticatedUsers

    # The owner downloads it through the other server, from the app itself.
    download = reverse("members:report-attachment", args=[report.pk])
    got = browser.get(b.url + download)
    assert got.status_code == 200
    assert got.content == PDF
    assert "potwierdzenie.pdf" in got.headers["Content-Disposition"]
    detail = browser.get(b.url + reverse("members:report-detail", args=[report.pk]))
    assert download in detail.text
    assert s3.url not in detail.text and BUCKET not in detail.text

    # Another resident: not found; a visitor: the login page.
    neighbour = HttpClient()
    neighbour.login(b.url, other.username, RESIDENT_PASSWORD)
    assert neighbour.get(a.url + download).status_code == 404
    assert neighbour.get(b.url + download).status_code == 404
    visitor = HttpClient().get(a.url + download)
    assert visitor.status_code == 302
    assert visitor.headers["Location"].startswith("/iok/login/")


def test_documents_in_the_bucket_are_streamed_by_django_with_privacy(
    s3_setup, django_user_model
):
    s3, a, b, _disk = s3_setup
    owner, _unit = resident(django_user_model, "620003", "Ola Dokumentowa")
    client = s3.client()
    Document = get_document_model()
    # The transactional flush removed the migrations' collections: made again.
    public = audience_collection(Audience.PUBLIC)
    residents = audience_collection(Audience.RESIDENTS)
    documents = {}
    for name, collection in (("regulamin.pdf", public), ("protokol.pdf", residents)):
        body = PDF + name.encode()
        key = f"documents/{uuid.uuid4().hex[:8]}/{name}"
        client.put_object(Bucket=BUCKET, Key=f"media/{key}", Body=body)
        documents[name] = (
            Document.objects.create(
                title=name,
                file=key,
                collection=collection,
                file_size=len(body),
                file_hash=hashlib.sha1(body).hexdigest(),  # noqa: S324 - Wagtail's etag
            ),
            body,
        )

    public, public_body = documents["regulamin.pdf"]
    visitor = HttpClient()
    got = visitor.get(a.url + public.url)
    assert got.status_code == 200  # streamed by Django, not a redirect to S3
    assert got.content == public_body

    private, private_body = documents["protokol.pdf"]
    refused = visitor.get(b.url + private.url)
    assert refused.status_code == 302
    assert not refused.headers["Location"].startswith(s3.url)
    assert re.match(r"^(/iok/login/|/_util/login/)", refused.headers["Location"])

    member = HttpClient()
    member.login(a.url, owner.username, RESIDENT_PASSWORD)
    allowed = member.get(b.url + private.url)
    assert allowed.status_code == 200
    assert allowed.content == private_body


def test_image_renditions_come_from_the_bucket_through_the_portal(s3_setup):
    from cms.storage_s3 import PrivateS3Storage, UnlinkedS3Storage

    s3, a, b, _disk = s3_setup
    body = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    client = s3.client()
    client.put_object(Bucket=BUCKET, Key="media/images/dach.max-800x600.png", Body=body)
    # Served for the rendition row behind it, of an image in a public collection.
    image = get_image_model().objects.create(
        title="Dach",
        file="original_images/dach.png",
        width=800,
        height=600,
        collection=audience_collection(Audience.PUBLIC),
    )
    image.renditions.create(
        filter_spec="max-800x600",
        file="images/dach.max-800x600.png",
        width=800,
        height=600,
        focal_point_key="",
    )
    client.put_object(Bucket=BUCKET, Key="media/imports/ksiegi.csv", Body=b"x;y\n")

    got = HttpClient().get(b.url + "/media/images/dach.max-800x600.png")
    assert got.status_code == 200
    assert got.content == body
    assert got.headers["Content-Type"] == "image/png"
    # Only renditions: an import file in the same bucket is never served.
    assert HttpClient().get(a.url + "/media/imports/ksiegi.csv").status_code == 404
    assert (
        HttpClient().get(a.url + "/media/images/../imports/ksiegi.csv").status_code
        == 404
    )

    # What pages link to: the portal's own /media/ path, never the bucket.
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": s3.url,
        "access_key": "testing",
        "secret_key": "testing",
        "location": "media",
    }
    assert PrivateS3Storage(**options).url("images/dach.max-800x600.png") == (
        "/media/images/dach.max-800x600.png"
    )
    with pytest.raises(ValueError):
        UnlinkedS3Storage(**options).url("reports/2026/11/x.pdf")
