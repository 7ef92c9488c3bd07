"""How fast the outcomes page and the Board report's outcomes sections are at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppe_outcomes \\
        .venv/bin/python bench/outcomes.py [--seed] [--runs 20]

--seed first fills an empty database with the bench sizes (seed_demo --scale bench: 50,000
activities, 200,000 suggestions, 200,000 evaluation responses, with the People Bank and
requests they link to). The target: the outcomes page for a quarter in under 1 s, with a
bounded number of queries. Prints the median and 95th centile and the queries each ran.
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
from django.utils import timezone  # noqa: E402

from bench.common import migrate_and_seed, timed  # noqa: E402
from outcomes.models import Activity, EvaluationResponse, Suggestion  # noqa: E402
from outcomes.report.quarters import Quarter  # noqa: E402
from outcomes.selectors import board_report_parts  # noqa: E402

TARGET_MS = 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", action="store_true", help="seed the bench sizes into an empty database")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    migrate_and_seed(args.seed, Activity, scale="bench")

    quarter = Quarter.containing(timezone.localdate()).previous()
    in_quarter = Activity.objects.filter(held_on__range=(quarter.start, quarter.end)).count()
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}: "
        f"{Activity.objects.count()} activities "
        f"({in_quarter} in {quarter.label}), {Suggestion.objects.count()} suggestions, "
        f"{EvaluationResponse.objects.count()} evaluation responses"
    )
    clients = {}
    for username in ("ppi", "board"):
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username=username))
        clients[username] = client

    def page(client, url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    outcomes = reverse("outcomes:outcomes_page") + f"?quarter={quarter.slug}"
    checks = [
        (f"outcomes page {quarter.label} (PPI)", page(clients["ppi"], outcomes)),
        (f"outcomes page {quarter.label} (Board)", page(clients["board"], outcomes)),
        ("suggestions list, this quarter", page(clients["ppi"], reverse("outcomes:suggestion_list"))),
        ("activities list", page(clients["ppi"], reverse("outcomes:activity_list"))),
        ("case studies (Board)", page(clients["board"], reverse("outcomes:case_study_list"))),
        ("home (PPI panels)", page(clients["ppi"], reverse("home"))),
        (f"Board report parts {quarter.label}", lambda: board_report_parts(quarter.start, quarter.end)),
    ]
    print(f"{'measure':<45} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    worst = 0.0
    for label, call in checks:
        median, p95, queries = timed(call, args.runs)
        print(f"{label:<45} {median:>10.1f} {p95:>8.1f} {queries:>8}")
        if label.startswith("outcomes page"):
            worst = max(worst, p95)
    verdict = "within" if worst < TARGET_MS else "OVER"
    print(f"outcomes page p95 {worst:.0f} ms: {verdict} the {TARGET_MS} ms target")


if __name__ == "__main__":
    main()
