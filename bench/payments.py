"""Payments at scale, on PostgreSQL: the month's finance export and the statement pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppe_payments_bench \\
        .venv/bin/python bench/payments.py [--seed] [--repeat 20]

--seed builds the data first, into an empty database: 20,000 people (about 600 Patient
Partners), then 50,000 sessions and 20,000 expense claims over two years, with every month
but the last two already exported. The issue's targets: the month's finance export in
under 2 s, and statement pages with a constant number of queries.

The export is timed end to end (lock, CSV, the FinanceExport row) inside a transaction that
is rolled back, so each run exports the same unexported month again.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppe.settings.local")


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="seed the bench dataset first")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the figures only mean something there.")
    from bench.common import migrate_and_seed, percentile
    from people_bank.models import Person

    migrate_and_seed(
        args.seed,
        Person,
        people=20_000,
        organisations=20,
        conversations=0,
        requests=0,
        activities=0,
        suggestions=0,
        evaluations=0,
        sessions=50_000,
    )
    from people_bank.payments import services
    from people_bank.payments.models import ExpenseClaim, FinanceExport, LedgerEntry, Session

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.get(username="ppi")
    print(
        f"\n{Session.objects.count():,} sessions, {ExpenseClaim.objects.count():,} claims, "
        f"{LedgerEntry.objects.count():,} ledger entries, {FinanceExport.objects.count()} months exported\n"
    )

    # The month to export: the busiest month not yet exported.
    exported = set(FinanceExport.objects.values_list("period", flat=True))
    months = LedgerEntry.objects.values("period").annotate(n=Count("id")).order_by("-n")
    period, rows = next((m["period"], m["n"]) for m in months if m["period"] not in exported)
    times, queries = [], set()
    for i in range(args.repeat + 2):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            try:
                with transaction.atomic():
                    services.month_export(period=period, by=user)
                    raise Rollback
            except Rollback:
                pass
            elapsed = (time.perf_counter() - started) * 1000
        if i >= 2:
            times.append(elapsed)
            queries.add(len(captured))
    print(f"{'finance export':<36} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    print(
        f"{f'{period:%B %Y} ({rows:,} payments)':<36} {statistics.median(times):>10.1f} "
        f"{percentile(times, 0.95):>8.1f} {'/'.join(map(str, sorted(queries))):>8}\n"
    )

    busiest = Session.objects.values("person_id").annotate(n=Count("id")).order_by("-n").first()
    quietest = Session.objects.values("person_id").annotate(n=Count("id")).order_by("n").first()
    client = Client()
    client.force_login(user)

    def statement(person_id: int) -> str:
        whole = "start_0=1&start_1=1&start_2=2000&end_0=31&end_1=12&end_2=2099"
        return f"/payments/people/{person_id}/statement/?{whole}"

    pages = [
        ("payments home", "/payments/"),
        ("claims waiting", "/payments/claims/?status=submitted"),
        ("finance exports", "/payments/months/"),
        (f"month page {period:%Y-%m}", f"/payments/months/{period:%Y-%m}/"),
        (f"statement, {quietest['n']} sessions", statement(quietest["person_id"])),
        (f"statement, {busiest['n']} sessions", statement(busiest["person_id"])),
        (f"person payments ({busiest['n']})", f"/payments/people/{busiest['person_id']}/"),
        ("person page with panel", f"/people/{busiest['person_id']}/"),
    ]
    print(f"{'page':<36} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, url in pages:
        times, queries = [], set()
        for i in range(args.repeat + 2):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code)
            if i >= 2:
                times.append(elapsed)
                queries.add(len(captured))
        counts = "/".join(map(str, sorted(queries)))
        print(f"{label:<36} {statistics.median(times):>10.1f} {percentile(times, 0.95):>8.1f} {counts:>8}")


if __name__ == "__main__":
    main()
