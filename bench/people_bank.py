"""People Bank at scale: server time and SQL queries per page, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppe_people \\
        .venv/bin/python bench/people_bank.py [--seed] [--repeat 60]

--seed builds the benchmark data first (100,000 people, 2,000 organisations, 500,000
conversations) with `seed_demo --scale bench` sizes, into an empty database. Then each
page is requested `--repeat` times with Django's test Client, signed in as the PPI team,
and the median and 95th percentile of the server time and the SQL query count are printed.

--gunicorn then serves the app with gunicorn (4 workers) and times the same pages from
four concurrent clients, as the issue's targets are stated (median 15 ms, p95 50 ms).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppe.settings.local")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="seed the bench dataset first")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--gunicorn", action="store_true", help="also time under gunicorn, 4 clients")
    parser.add_argument("--port", type=int, default=18101)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.common import migrate_and_seed, percentile

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the figures only mean something there.")
    from people_bank.models import Conversation, Interest, Organisation, Person, Service

    migrate_and_seed(
        args.seed,
        Person,
        people=100_000,
        organisations=2_000,
        conversations=500_000,
        requests=0,
        activities=0,
        suggestions=0,
        evaluations=0,
        sessions=0,
    )

    # No setup_test_environment(): its template instrumentation copies every context and
    # would be measured as if it were the page's own cost.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username="ppi"))
    busiest = (
        Conversation.objects.filter(person__isnull=False)
        .values("person_id")
        .order_by("person_id")
        .first()["person_id"]
    )
    service, interest = Service.objects.first(), Interest.objects.first()
    pages = [
        ("people list", "/people/"),
        ("people list, text search", "/people/?q=patel"),
        ("people list, search 'sha'", "/people/?q=sha"),
        (
            "people list, filters",
            f"/people/?status=active&role=improver&services={service.pk}&interests={interest.pk}"
            "&availability=online&last_contact=stale&sort=-last_contact",
        ),
        ("people list, page 20", "/people/?page=20"),
        ("person page", f"/people/{busiest}/"),
        ("organisation list", "/organisations/"),
        ("organisation list, search", "/organisations/?q=heart"),
    ]
    print(
        f"\n{Person.objects.count():,} people, {Organisation.objects.count():,} organisations, "
        f"{Conversation.objects.count():,} conversations; {args.repeat} requests per page\n"
    )
    print(f"{'page':<28} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, url in pages:
        times, queries = [], set()
        for i in range(args.repeat + 3):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code)
            if i >= 3:  # the first few warm caches
                times.append(elapsed)
                queries.add(len(captured))
        p95 = percentile(times, 0.95)
        counts = "/".join(map(str, sorted(queries)))
        print(f"{label:<28} {statistics.median(times):>10.1f} {p95:>8.1f} {counts:>8}")
    if args.gunicorn:
        timed_under_gunicorn(pages, args)


def timed_under_gunicorn(pages, args) -> None:
    from bench.run import under_gunicorn

    args.clients = 4
    results = under_gunicorn([(label, "ppi", url) for label, url in pages], args)
    print(f"\nUnder gunicorn (4 workers), {args.clients} concurrent clients, {args.repeat} requests each\n")
    print(f"{'page':<28} {'median ms':>10} {'p95 ms':>8}")
    for label, _url in pages:
        print(f"{label:<28} {results[label]['g_median']:>10.1f} {results[label]['g_p95']:>8.1f}")


if __name__ == "__main__":
    main()
