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
import http.client
import os
import statistics
import subprocess
import sys
import threading
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
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the figures only mean something there.")
    call_command("migrate", verbosity=0)
    if args.seed:
        started = time.monotonic()
        call_command(
            "seed_demo",
            people=100_000,
            organisations=2_000,
            conversations=500_000,
            requests=0,
            activities=0,
            suggestions=0,
            evaluations=0,
            sessions=0,
            force=True,
        )
        print(f"seeded in {time.monotonic() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    from people_bank.models import Conversation, Interest, Organisation, Person, Service

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
        under_gunicorn(pages, args)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def under_gunicorn(pages, args, clients: int = 4) -> None:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    user = User.objects.get(username="ppi")
    cookies = []
    for _ in range(clients):  # one session each, as four members of staff would have
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["ppe_signed_in_at"] = int(time.time())
        session.save()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    env = {**os.environ, "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "ppe.settings.local"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "ppe.wsgi:application",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        _wait_for(args.port, server)
        print(f"\nUnder gunicorn (4 workers), {clients} concurrent clients, {args.repeat} requests each\n")
        print(f"{'page':<28} {'median ms':>10} {'p95 ms':>8}")
        for label, url in pages:
            times: list[float] = []
            lock = threading.Lock()

            def client(cookie, url=url, times=times, lock=lock):
                connection = http.client.HTTPConnection("127.0.0.1", args.port)
                mine = []
                for i in range(args.repeat + 3):
                    started = time.perf_counter()
                    connection.request("GET", url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                    response = connection.getresponse()
                    response.read()
                    assert response.status == 200, (url, response.status)
                    if i >= 3:
                        mine.append((time.perf_counter() - started) * 1000)
                with lock:
                    times.extend(mine)

            threads = [threading.Thread(target=client, args=(cookie,)) for cookie in cookies]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            print(f"{label:<28} {statistics.median(times):>10.1f} {percentile(times, 0.95):>8.1f}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(port: int, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped: is port {port} free?")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


if __name__ == "__main__":
    main()
