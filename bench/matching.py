"""How fast one request is matched over the whole People Bank (target: 300 ms median).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppe_matching_bench \\
        .venv/bin/python bench/matching.py [--seed] [--runs 30]

--seed first fills an empty database with 100,000 people and 20,000 requests (with their
allocations and invitations: seed_demo --people 100000 --requests 20000). Prints the
median and 95th centile time of the ranking itself and of the whole match page, the
number of queries each ran, and how many people were eligible.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppe.settings.local")
# DEBUG off: as in production, Django does not keep a log of every query it runs.
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.common import migrate_and_seed, timed  # noqa: E402
from involvement_requests import selectors  # noqa: E402
from involvement_requests.models import InvolvementRequest, Status  # noqa: E402
from people_bank.models import Person  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", action="store_true", help="seed 100,000 people and 20,000 requests")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    migrate_and_seed(args.seed, Person, people=100_000, requests=20_000, conversations=20_000)

    people = Person.objects.count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, {people} people")
    # The hardest accepted request: a rung that allows partners, and the most services and
    # issues wanted, so the most people score.
    request = (
        InvolvementRequest.objects.filter(
            status__in=selectors.MATCHABLE_STATES, planned_rung__partners_allowed=True
        )
        .annotate(n=Count("services_wanted") + Count("interests_wanted"))
        .order_by("-n", "pk")
        .first()
        or InvolvementRequest.objects.filter(status=Status.ACCEPTED).order_by("pk").first()
    )
    if request.service_id is None and not request.services_wanted.exists():
        from people_bank.models import Interest, Service

        request.services_wanted.add(*Service.objects.order_by("pk")[:3])
        request.interests_wanted.add(*Interest.objects.order_by("pk")[:3])
    request = selectors.request_for_page(User.objects.get(username="ppi"), request.pk)
    cases = [
        ("any way, any day", {}),
        ("online, Tuesday or Thursday", {"online": True, "days": ["tue", "thu"]}),
        ("face to face, Monday", {"face_to_face": True, "days": ["mon"]}),
    ]
    print(
        f"request {request.reference}: {request.get_status_display()}, "
        f"rung {selectors.rung_for_matching(request)}"
    )
    print(f"{'what':<50} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, choices in cases:
        wanted = selectors.wanted_for(request, **choices)
        median, p95, queries = timed(lambda w=wanted: selectors.match_for_request(request, w), args.runs)
        print(f"{'ranking: ' + label:<50} {median:>10.1f} {p95:>8.1f} {queries:>8}")

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="ppi"))
    url = reverse("involvement_requests:match", args=[request.pk])

    def page(query=""):
        response = client.get(url + query)
        assert response.status_code == 200, response.status_code

    for label, query in [
        ("match page, any way", ""),
        ("match page, online on Tuesday", "?taking_part=online&days=tue"),
    ]:
        median, p95, queries = timed(lambda q=query: page(q), args.runs)
        print(f"{label:<50} {median:>10.1f} {p95:>8.1f} {queries:>8}")
    people_url = reverse("involvement_requests:people", args=[request.pk])
    median, p95, queries = timed(lambda: client.get(people_url), args.runs)
    print(f"{'people allocated and invited page':<50} {median:>10.1f} {p95:>8.1f} {queries:>8}")

    wanted = selectors.wanted_for(request)
    eligible = len(selectors.match_for_request(request, wanted, limit=10**6, pool=10**6))
    print(f"people who may be suggested for this request: {eligible}")


if __name__ == "__main__":
    main()
