"""Nu Html Checker (vnu, the npm package ``vnu-jar`` pinned in package.json)
over the public pages and every member page of demo resident 100001 (issue
14): the HTML the server sends has no errors.

The pages are fetched with Django's test client (the HTML as served, not the
browser's DOM) from ``seed_demo`` data, saved to a temporary folder and
checked in one run of ``java -jar vnu.jar --errors-only``. With CI=true a
missing Java or vnu.jar is a failure (``.ci/run`` installs Java, ``make
install-test`` the jar); elsewhere the test is skipped with the command that
enables it. ``VNU_JAR`` may point at another copy of the jar.
"""

import io
import json
import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import Client

import pytest

from members.models import User
from tests.browser_support import ROOT

VNU_JAR = Path(
    os.environ.get("VNU_JAR")
    or ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
ENABLE = (
    "The HTML check needs Java 17 and vnu.jar: "
    "`apt-get install -y openjdk-17-jre-headless` and `make install-test` (npm)."
)
#: Links that are files, not pages, or that act (logout is a POST form).
NOT_PAGES = re.compile(
    r"/csv/|/zalacznik/|/pdf/|/pobierz/|\.pdf$|/logout/|^/(static|media|documents|admin)/"
    r"|^/favicon\.ico$"
)
MAX_PAGES = 60
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def java_and_vnu() -> str:
    java = shutil.which("java")
    if java and VNU_JAR.exists():
        return java
    if os.environ.get("CI") == "true":
        pytest.fail(f"java or vnu.jar is missing in CI. {ENABLE}")
    pytest.skip(ENABLE)


def links_under(html: str, prefix: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', html):
        href = unescape(href)
        if prefix == "/" and href.startswith("/iok/"):
            continue  # the member area is crawled as a resident
        if href.startswith(prefix) and not NOT_PAGES.search(href):
            found.append(href)
    return found


def crawl(client: Client, start: list[str], prefix: str) -> dict[str, str]:
    """Every page reachable from ``start`` through links under ``prefix``."""
    pages: dict[str, str] = {}
    queue = list(start)
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in pages:
            continue
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if not response["Content-Type"].startswith("text/html"):
            continue
        pages[url] = response.content.decode()
        queue += [link for link in links_under(pages[url], prefix) if link not in pages]
    return pages


def vnu_errors(java: str, pages: dict[str, str], folder: Path) -> dict[str, list]:
    files = {}
    for number, (url, html) in enumerate(sorted(pages.items())):
        path = folder / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = url
    result = subprocess.run(  # noqa: S603 (our own files, fixed arguments)
        [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors: dict[str, list] = {}
    for message in messages:
        # vnu names a file "file:/tmp/…/page-3.html".
        name = str(message.get("url", "")).removeprefix("file:")
        url = files.get(name, name)
        errors.setdefault(url, []).append(
            f"{message.get('lastLine')}: {message.get('message')}"
        )
    return errors


def test_public_and_member_pages_have_no_html_errors(tmp_path, settings_isolated):
    java = java_and_vnu()
    call_command("seed_demo", "--units", "40", "--years", "2", stdout=io.StringIO())
    User.objects.filter(username="100001").update(must_change_password=False)

    public = Client()
    pages = crawl(public, ["/", "/iok/login/"], "/")
    pages["/szukaj/?q=czynsz"] = public.get("/szukaj/?q=czynsz").content.decode()
    pages["/brak-takiej-strony/ (404)"] = public.get("/brak/").content.decode()

    member = Client()
    member.force_login(User.objects.get(username="100001"))
    member_pages = crawl(member, ["/iok/"], "/iok/")
    # The housing communities' notice pages (cms pages with the member menu).
    member_pages.update(
        crawl(member, ["/iok/ogloszenia-wspolnot/"], "/ogloszenia-wspolnot/")
    )
    member_pages["/iok/security/"] = member.get("/iok/security/").content.decode()
    member_pages["/iok/password/"] = member.get("/iok/password/").content.decode()
    assert len(member_pages) >= 15, sorted(member_pages)
    pages.update(member_pages)

    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english.force_login(User.objects.get(username="100001"))
    for url in ("/", "/kontakt/", "/iok/", "/iok/platnosci/"):
        pages[f"{url} (en)"] = english.get(url).content.decode()

    assert len(pages) >= 30, sorted(pages)
    # A page with a known error proves the checker ran and its report was read.
    pages["(canary)"] = pages["/iok/password/"].replace(
        "<main", "<p><ul></ul></p><main"
    )
    errors = vnu_errors(java, pages, tmp_path)
    assert errors.pop("(canary)")
    assert errors == {}, json.dumps(errors, indent=1, ensure_ascii=False)


@pytest.fixture
def settings_isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IOK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.AXES_ENABLED = False
    return settings
