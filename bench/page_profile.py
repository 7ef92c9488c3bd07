"""Where a page's time goes: SQL time, Python CPU time, and the slowest queries and
functions, for the pages of bench/run's table whose label contains the given text.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppe_bench \
        .venv/bin/python bench/page_profile.py "People: list" [--repeat 20] [--functions 25]

CPU time is read from the process clock, so it holds even when other work shares the
machine; wall time does not."""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.pages import all_pages  # noqa: E402
from bench.run import ROLE_USERS, _client  # noqa: E402


class SqlTimer:
    def __init__(self):
        self.calls: list[tuple[float, str]] = []
        self.params: dict[str, object] = {}

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.calls.append(((time.perf_counter() - started) * 1000, sql))
            self.params[sql] = params


def profile(label: str, role: str, url: str, repeat: int, functions: int, sort: str, explain: int) -> None:
    client = _client(role)
    for _ in range(3):
        client.get(url)
    walls, cpus, sqls, counts = [], [], [], []
    slowest: dict[str, list[float]] = {}
    for _ in range(repeat):
        timer = SqlTimer()
        started, cpu_started = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timer):
            response = client.get(url)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu_started) * 1000)
        sqls.append(sum(ms for ms, _ in timer.calls))
        counts.append(len(timer.calls))
        for ms, sql in timer.calls:
            slowest.setdefault(sql, []).append(ms)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    print(f"\n== {label}  {url}")
    print(
        f"wall {statistics.median(walls):.1f} ms, SQL {statistics.median(sqls):.1f} ms"
        f" over {counts[-1]} queries, process CPU {statistics.median(cpus):.1f} ms (includes the"
        " client's own time and the driver's share of SQL)"
    )
    print("slowest queries (median ms):")
    ranked = sorted(slowest.items(), key=lambda item: -statistics.median(item[1]))
    for sql, times in ranked[:6]:
        print(f"  {statistics.median(times):7.2f}  {sql[:220]}")
    for sql, _times in ranked[:explain]:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", timer.params.get(sql))
            plan = "\n    ".join(row[0] for row in cursor.fetchall())
        print(f"\n  {cursor.db.ops.last_executed_query(cursor, sql, timer.params.get(sql))}\n    {plan}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(functions)
    print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("label", help="part of a page label from bench/run's table, or a URL")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--functions", type=int, default=25)
    parser.add_argument("--sort", default="tottime", help="tottime or cumulative")
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN ANALYZE the N slowest queries")
    parser.add_argument("--role", default="ppi", help="who opens a URL given as the label: ppi, qi or board")
    args = parser.parse_args()
    if args.label.startswith("/"):  # a URL of its own, e.g. the floor: /__floor__/25/
        chosen = [(args.label, args.role, args.label)]
    else:
        pages, _missing = all_pages()
        chosen = [page for page in pages if args.label.lower() in page[0].lower()]
    if not chosen:
        sys.exit(f"No page label contains {args.label!r}.")
    for label, role, url in chosen:
        assert role in ROLE_USERS
        profile(label, role, url, args.repeat, args.functions, args.sort, args.explain)


if __name__ == "__main__":
    main()
