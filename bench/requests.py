"""How fast the involvement request pages are with many requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppe_requests \\
        .venv/bin/python bench/requests.py [--seed] [--runs 30]

--seed first fills an empty database with 20,000 requests (seed_demo --requests 20000).
Prints the median and 95th centile time of each page and the number of queries it ran.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppe.settings.local")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.common import migrate_and_seed, timed  # noqa: E402
from involvement_requests.models import InvolvementRequest, Rung, Status  # noqa: E402
from people_bank.models import ClinicalManagementGroup  # noqa: E402


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return timed(get, runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", action="store_true", help="seed 20,000 requests into an empty database")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    migrate_and_seed(args.seed, InvolvementRequest, requests=20_000)

    total = InvolvementRequest.objects.count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, {total} requests")
    ppi = User.objects.get(username="ppi")
    client = Client(HTTP_HOST="localhost")
    client.force_login(ppi)
    queue = reverse("involvement_requests:queue")
    cmg = ClinicalManagementGroup.objects.order_by("pk").first()
    rung = Rung.objects.get(order=4)
    sample = InvolvementRequest.objects.filter(status=Status.CLOSED).order_by("pk").first()
    pages = [
        ("queue: new", queue),
        ("queue: all, no filters", f"{queue}?queue=all"),
        ("queue: all, page 200", f"{queue}?queue=all&page=200"),
        ("queue: overdue", f"{queue}?queue=overdue"),
        (
            "queue: filtered (status, CMG, rung, dates)",
            f"{queue}?queue=all&status=active&cmg={cmg.pk}&rung={rung.pk}"
            "&submitted_from=2025-01-01&submitted_to=2026-12-31",
        ),
        ("request detail (closed, with history)", reverse("involvement_requests:detail", args=[sample.pk])),
        ("home (PPI panel)", reverse("home")),
    ]
    lead = User.objects.get(username="qilead")
    lead_client = Client(HTTP_HOST="localhost")
    lead_client.force_login(lead)
    own = InvolvementRequest.objects.filter(submitted_by=lead).count()
    print(f"{'page':<45} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, url in pages:
        median, p95, queries = measure(client, url, args.runs)
        print(f"{label:<45} {median:>10.1f} {p95:>8.1f} {queries:>8}")
    for label, url in [
        (f"QI lead: my requests ({own} of theirs)", reverse("involvement_requests:list")),
        ("QI lead: home panel", reverse("home")),
    ]:
        median, p95, queries = measure(lead_client, url, args.runs)
        print(f"{label:<45} {median:>10.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
