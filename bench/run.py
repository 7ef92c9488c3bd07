"""Run by bench/run: builds the bench dataset when the database is empty, then prints one
table of every staff page (median and 95th percentile server time, SQL queries, rows, the
floor for that many rows and the ratio), first in-process, then under gunicorn with four
concurrent clients, then the report figures and the PDF."""

import argparse
import http.client
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import percentile, session_cookie, wait_for  # noqa: E402

LIST_TARGET = (15.0, 50.0)  # median, p95 ms: every staff list, search and detail page
ROW = re.compile(rb"<tr[\s>]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="10 repeats, no gunicorn")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--port", type=int, default=18111)
    parser.add_argument("--only", help="only pages whose label contains this")
    args = parser.parse_args()
    if args.quick:
        args.repeat = 10

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/run measures PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
    call_command("migrate", verbosity=0)
    seed_if_empty()
    if args.seed_only:
        return

    from bench.pages import TARGETS_MS, all_pages

    pages, missing = all_pages()
    if args.only:
        pages = [page for page in pages if args.only.lower() in page[0].lower()]
    print(f"\nMachine: {machine()}")
    print(f"Python speed now: {python_speed():.0f} ms for a fixed loop (lower is faster)")
    print(f"Data: {dataset_line()}\n")
    for note in missing:
        print(f"  (left out: {note})")

    # The floor under gunicorn too: an empty page and a 25-row table from memory.
    floors = [("(floor: empty page)", "ppi", "/__floor__/0/"), ("(floor: 25 rows)", "ppi", "/__floor__/25/")]
    results = {label: in_process(role, url, args.repeat) for label, role, url in pages + floors}
    if not args.quick:
        for label, measured in under_gunicorn(pages + floors, args).items():
            results[label].update(measured)

    header = (
        f"{'page':<34} {'queries':>7} {'rows':>5} {'median':>7} {'p95':>7} {'floor':>6} {'ratio':>6}"
        f" {'round trip':>10} {'p95':>6} {'server':>7} {'p95':>6}  target"
    )
    print(header)
    print("-" * len(header))
    for label, _role, _url in pages + floors:
        r = results[label]
        target = TARGETS_MS.get(label, LIST_TARGET)
        median, p95 = r.get("s_median", r["median"]), r.get("s_p95", r["p95"])
        met = (
            "met" if median <= target[0] and p95 <= target[1] else f"MISSED ({target[0]:.0f}/{target[1]:.0f})"
        )
        if label.startswith("(floor"):
            met = ""
        trip = f"{r['g_median']:>10.1f} {r['g_p95']:>6.1f}" if "g_median" in r else f"{'-':>10} {'-':>6}"
        server = f"{r['s_median']:>7.1f} {r['s_p95']:>6.1f}" if "s_median" in r else f"{'-':>7} {'-':>6}"
        print(
            f"{label[:34]:<34} {r['queries']:>7} {r['rows']:>5} {r['median']:>7.1f} {r['p95']:>7.1f}"
            f" {r['floor']:>6.1f} {r['median'] / r['floor']:>6.1f} {trip} {server}  {met}"
        )
    met = sum(
        1
        for label, _role, _url in pages
        if (r := results[label]).get("s_median", r["median"]) <= TARGETS_MS.get(label, LIST_TARGET)[0]
        and r.get("s_p95", r["p95"]) <= TARGETS_MS.get(label, LIST_TARGET)[1]
    )
    print(f"\n{met} of {len(pages)} pages at their target.")
    print("\n(ms. median, p95: in-process, through the whole middleware stack; floor: the same stack")
    print(" rendering the same number of table rows from memory, and ratio the page's median over it.")
    print(f" Under gunicorn: 4 workers, {args.clients} clients at once, {args.repeat} requests each;")
    print(" round trip as the clients see it, and server time as gunicorn logs it, from the request")
    print(" read to the response written. The target is read on the server time.)\n")
    finance_export_timing()
    report_timings()


def seed_if_empty() -> None:
    from django.core.management import call_command
    from django.db import connection

    from people_bank.models import Person

    if Person.objects.exists():
        return
    print("Building the bench dataset (seed_demo --scale bench)...", flush=True)
    started = time.monotonic()
    call_command("seed_demo", scale="bench", force=True)
    seeded = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"Bench dataset built in {seeded / 60:.1f} min (target: under 10); analysed.", flush=True)


def dataset_line() -> str:
    from django.apps import apps

    wanted = {
        "people_bank.Person": "people",
        "people_bank.Organisation": "organisations",
        "people_bank.Conversation": "conversations",
        "involvement_requests.InvolvementRequest": "requests",
        "outcomes.Activity": "activities",
        "outcomes.Suggestion": "suggestions",
        "outcomes.EvaluationResponse": "evaluation responses",
        "people_bank.Session": "sessions",
        "people_bank.ExpenseClaim": "expense claims",
        "ppe.AuditEvent": "audit events",
    }
    parts = []
    for label, name in wanted.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        parts.append(f"{model.objects.count():,} {name}")
    return ", ".join(parts)


def python_speed() -> float:
    """Milliseconds for a fixed pure-Python workload, best of five: shared machines run at
    different speeds from day to day, and this says how fast this one is running now."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for n in range(1_000_000):
            total += n % 7
        best = min(best, time.perf_counter() - started)
    return best * 1000


def machine() -> str:
    cpus = os.cpu_count()
    memory = ""
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0].split()[0]
    return f"{platform.machine()}, {cpus} cores{memory}, Python {platform.python_version()}, PostgreSQL {pg}"


def _client(role: str):
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=ROLE_USERS[role]))
    return client


ROLE_USERS = {"ppi": "ppi", "qi": "qilead", "board": "board"}
_clients: dict = {}


def _time(client, url: str, repeat: int) -> tuple[list[float], int, bytes]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for i in range(repeat + 3):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if i >= 3:  # the first few warm caches
            times.append(elapsed)
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url).content
    return times, len(captured), body


def in_process(role: str, url: str, repeat: int) -> dict:
    client = _clients.setdefault(role, _client(role))
    times, queries, body = _time(client, url, repeat)
    rows = max(0, len(ROW.findall(body)) - body.count(b"<thead"))
    floor_times, _, _ = _time(client, f"/__floor__/{rows}/", repeat)
    return {
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
        "queries": queries,
        "rows": rows,
        "floor": statistics.median(floor_times),
    }


def under_gunicorn(pages, args) -> dict[str, dict]:
    """Each page under gunicorn (4 workers) with `args.clients` clients at once. Two times per
    request: the round trip the client sees, and the server time gunicorn itself logs (from
    the request read to the response written), which leaves out the clients' own work on
    the same two cores. The first three requests of each client warm up and are left out."""
    cookies = {role: [session_cookie(user) for _ in range(args.clients)] for role, user in ROLE_USERS.items()}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = tempfile.NamedTemporaryFile(prefix="ppe-bench-access-", suffix=".log", delete=False)
    log.close()
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
            "--access-logfile",
            log.name,
            "--access-logformat",
            "%({x-bench-page}i)s %({x-bench-warm-up}i)s %(s)s %(D)s",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        cwd=ROOT,
    )
    results = {}
    try:
        wait_for(args.port, server)
        for number, (label, role, url) in enumerate(pages):
            times: list[float] = []
            lock = threading.Lock()

            def one_client(cookie, url=url, times=times, lock=lock, number=number):
                connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
                mine = []
                for i in range(args.repeat + 3):
                    headers = {"Cookie": cookie, "Host": "127.0.0.1", "X-Bench-Page": str(number)}
                    if i < 3:
                        headers["X-Bench-Warm-Up"] = "1"
                    started = time.perf_counter()
                    connection.request("GET", url, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    if response.status != 200:
                        raise SystemExit(f"{url} answered {response.status} under gunicorn")
                    if i >= 3:
                        mine.append((time.perf_counter() - started) * 1000)
                with lock:
                    times.extend(mine)

            threads = [threading.Thread(target=one_client, args=(cookie,)) for cookie in cookies[role]]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            results[label] = {"g_median": statistics.median(times), "g_p95": percentile(times, 0.95)}
    finally:
        server.terminate()
        server.wait(timeout=15)
    logged: dict[str, list[float]] = {}
    for line in Path(log.name).read_text().splitlines():
        page, warm_up, status, micro = line.split()
        if warm_up == "-" and status == "200":
            logged.setdefault(page, []).append(int(micro) / 1000)
    os.unlink(log.name)
    for number, (label, _role, _url) in enumerate(pages):
        server_times = logged.get(str(number), [])
        if server_times:
            results[label].update(
                s_median=statistics.median(server_times), s_p95=percentile(server_times, 0.95)
            )
    return results


def finance_export_timing(runs: int = 5) -> None:
    """Exporting the busiest month not yet exported: lock, CSV and the export row, in a
    transaction rolled back each time so the same month is exported again."""
    from django.apps import apps
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.db.models import Count

    try:
        ledger = apps.get_model("people_bank", "LedgerEntry")
    except LookupError:
        return
    from people_bank.payments import services

    exported = set(apps.get_model("people_bank", "FinanceExport").objects.values_list("period", flat=True))
    months = ledger.objects.values("period").annotate(n=Count("id")).order_by("-n")
    month = next((m for m in months if m["period"] not in exported), None)
    if month is None:
        return
    user = User.objects.get(username="ppi")

    class Rollback(Exception):
        pass

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                services.month_export(period=month["period"], by=user)
                raise Rollback
        except Rollback:
            pass
        times.append(time.perf_counter() - started)
    print(
        f"Finance export {month['period']:%B %Y} ({month['n']:,} payments): "
        f"{statistics.median(times) * 1000:.0f} ms median of {runs} (target 2 s)"
    )


def report_timings(runs: int = 3) -> None:
    from django.db import connection, reset_queries
    from django.utils import timezone

    from outcomes.report.figures import board_report_figures
    from outcomes.report.pdf import render_pdf
    from outcomes.report.quarters import Quarter

    quarter = Quarter.last_ended(timezone.localdate())
    figure_times, pdf_times = [], []
    figures = None
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        figures = board_report_figures(quarter)
        figure_times.append(time.perf_counter() - started)
    for _ in range(runs):
        started = time.perf_counter()
        pdf = render_pdf(figures, version=1, status="done")
        pdf_times.append(time.perf_counter() - started)
    figures_s, pdf_s = statistics.median(figure_times), statistics.median(pdf_times)
    print(
        f"Board report {quarter.label}: figures {figures_s:.2f} s (target 2 s), "
        f"PDF {pdf_s:.2f} s, {len(pdf) // 1024} KB (target 3 s)"
    )
    del connection


if __name__ == "__main__":
    main()
