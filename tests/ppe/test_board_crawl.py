"""A Board member follows every link and download they can reach, starting from home, and
never meets a named person from the People Bank."""

import subprocess
import tempfile
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.contrib.auth.models import User
from django.test import Client

from involvement_requests import demo as requests_demo
from outcomes.report.quarters import Quarter
from outcomes.report.services import report_publish, report_request
from people_bank import demo as people_demo
from people_bank.models import Person
from ppe.demo import create_demo_users

pytestmark = pytest.mark.django_db

SIZES = {"people": 120, "organisations": 8, "conversations": 200, "requests": 40}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _text_of(response) -> str:
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith("application/pdf"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(body)
            pdf.flush()
            return subprocess.run(
                ["pdftotext", pdf.name, "-"], capture_output=True, text=True, check=True
            ).stdout
    return body.decode("utf-8", errors="replace")


def crawl(client: Client, start: str = "/", limit: int = 200) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = deque([start])
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        if response.status_code != 200:
            seen[path] = ""
            continue
        text = _text_of(response)
        seen[path] = text
        if response.get("Content-Type", "").startswith("text/html"):
            parser = _Links()
            parser.feed(text)
            for href in parser.links:
                url = urlparse(urljoin(path, href))
                if url.scheme in ("", "http") and url.netloc in ("", "testserver") and url.path:
                    queue.append(url.path + (f"?{url.query}" if url.query else ""))
    return seen


@pytest.mark.skipif(
    subprocess.run(["which", "pdftotext"], capture_output=True).returncode, reason="no pdftotext"
)
def test_a_board_member_can_reach_no_named_person(django_capture_on_commit_callbacks):
    import random

    create_demo_users()
    people_demo.seed(rng=random.Random(3), sizes=SIZES, log=lambda line: None)
    requests_demo.seed(rng=random.Random(4), sizes=SIZES, log=lambda line: None)
    ppi = User.objects.get(username="ppi")
    with django_capture_on_commit_callbacks(execute=True):
        version = report_request(quarter=Quarter(2026, 2), by=ppi)
    version.refresh_from_db()
    report_publish(version=version, by=ppi)

    staff_names = {u.get_full_name() for u in User.objects.all()}
    people = [p for p in Person.objects.all() if p.email]
    names = {f"{p.first_name} {p.last_name}" for p in people} - staff_names
    emails = {p.email for p in people}

    client = Client()
    client.force_login(User.objects.get(username="board"))
    pages = crawl(client)
    assert names and emails and len(pages) >= 4, pages.keys()
    assert any(path.endswith(".pdf") or "download" in path for path in pages), (
        "the report download was reached"
    )
    everything = "\n".join(pages.values())
    assert [n for n in names if n in everything] == []
    assert [e for e in emails if e in everything] == []
