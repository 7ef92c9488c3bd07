"""Fault checks, each asserting that nothing was lost. Run by `bench/run --faults`.

Every check runs against services of its own (a private PostgreSQL cluster and a private
Redis, on spare ports, in a temporary folder) so that stopping them never disturbs
anything else on the machine:

  postgres-restart  gunicorn answers 503 (never 500) while PostgreSQL is down, and
                    recovers by itself when it is back, without being restarted.
  redis-down        with Redis stopped, a QI lead's request still saves; asking for a
                    report says it is queued (or the queue is down), never a 500; when
                    Redis is back, a real worker and beat run the queued work: the email
                    kept while it was down goes out and the report is made.
  backup-restore    pg_dump, then pg_restore into a new database: every table's row
                    count equal, and the app serves pages from the restored copy.

The other two faults the scale issue names are tests in the suite (CI runs them):
a worker killed mid-report (tests/outcomes/test_report_worker_lost.py) and a form
posted twice (tests/ppe/test_submit_once.py).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT, REDIS_PORT, APP_PORT = 5499, 6399, 18131
VENV_BIN = Path(sys.executable).parent

from bench.load import Staff  # noqa: E402


class Failed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)
    print(f"  ok  {message}")


def as_postgres(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, **kwargs)


class Postgres:
    """A throwaway PostgreSQL cluster on its own port."""

    def __init__(self, folder: Path):
        self.data = folder / "pgdata"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(folder, "postgres", "postgres")
        as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                    stdout=subprocess.DEVNULL)  # fmt: skip

    def start(self) -> None:
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.data / "log"),
                    "-o", f"-p {PG_PORT} -k /tmp -c listen_addresses=127.0.0.1", "start",
                    stdout=subprocess.DEVNULL)  # fmt: skip

    def stop(self) -> None:
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop",
                    stdout=subprocess.DEVNULL)  # fmt: skip

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{PG_PORT}/{name}"

    def createdb(self, name: str) -> None:
        command = [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", name]
        subprocess.run(command, check=True)


class Redis:
    def __init__(self):
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            if subprocess.run(
                ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True
            ).stdout.strip():
                return
            time.sleep(0.1)
        raise Failed("private Redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    url = f"redis://127.0.0.1:{REDIS_PORT}/0"


def app_env(database_url: str, redis_url: str = "") -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env["LOG_LEVEL"] = "CRITICAL"  # the outages are on purpose: keep their tracebacks out of the table
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def serve(env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "ppe.wsgi:application", "-w", "2", "-b", f"127.0.0.1:{APP_PORT}",
         "--log-level", "critical"],
        cwd=ROOT, env=env, stderr=subprocess.DEVNULL,  # the outages are on purpose: no tracebacks
    )  # fmt: skip
    from bench.common import wait_for

    wait_for(APP_PORT, server)
    return server


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def signed_in(role: str) -> Staff:
    from ppe.demo import DEMO_USERS

    username, password = next((u, p) for u, p, _f, _l, r in DEMO_USERS if r.value == role)
    staff = Staff(APP_PORT, {"times": __import__("collections").defaultdict(list), "errors": []},
                  __import__("threading").Lock())  # fmt: skip
    staff.sign_in(username, password)
    return staff


def wait_until(test, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = test()
        if answer:
            return answer
        time.sleep(0.5)
    raise Failed(f"timed out after {seconds:.0f} s waiting for {what}")


def postgres_restart(pg: Postgres) -> None:
    print("postgres-restart")
    server = serve(app_env(pg.url("faults")))
    try:
        ppi = signed_in("PPI team")
        check(ppi.request("people", "GET", "/people/")[0] == 200, "the people list answers before the outage")
        pg.stop()
        status, text, _ = ppi.request("people", "GET", "/people/")
        check(status == 503, f"with PostgreSQL down the page answers 503, not 500 (got {status})")
        check("try again" in text.lower() or "not available" in text.lower(), "and says so in plain words")
        health = ppi.request("health", "GET", "/healthz")[0]
        check(health == 503, "the health check says 503 too")
        pg.start()
        wait_until(lambda: ppi.request("people", "GET", "/people/")[0] == 200, 60, "the app to recover")
        check(True, "PostgreSQL back: the same gunicorn answers 200 again, unrestarted, same session")
    finally:
        stop(server)


def redis_down(pg: Postgres, redis: Redis) -> None:
    print("redis-down")
    import psycopg2

    env = app_env(pg.url("faults"), Redis.url)
    redis.start()
    server = serve(env)
    worker = None
    connection = psycopg2.connect(pg.url("faults"))
    connection.autocommit = True

    def one(sql: str, *params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    try:
        qi, ppi = signed_in("QI lead"), signed_in("PPI team")
        redis.stop()
        before = one("select count(*) from involvement_requests_involvementrequest")
        title = f"Faster discharge letters {time.time():.0f}"
        qi.post_form("submit", "/requests/new/", {"title": title})
        check(one("select count(*) from involvement_requests_involvementrequest") == before + 1,
              "with Redis down, the QI lead's request is saved")  # fmt: skip
        request_id = one("select id from involvement_requests_involvementrequest where title = %s", title)
        status, _, _ = ppi.request("open", "GET", f"/requests/{request_id}/")
        check(status == 200, "the PPI team opens it")
        submitted = one(
            "select id from involvement_requests_involvementrequest where status = 'submitted' limit 1"
        )
        ppi.post_form("move", f"/requests/{submitted}/", {}, action="start-assessment")
        check(one("select status from involvement_requests_involvementrequest where id = %s", submitted)
              == "in_assessment", "the PPI team starts an assessment: the move is saved")  # fmt: skip
        check(one("select count(*) from ppe_pendingtask") >= 1, "and the email it owes is kept to resend")
        ppi.post_form("report", "/reports/", {})
        status, text, _ = ppi.request("reports", "GET", "/reports/")
        check(
            status == 200 and ("queue" in text.lower()),
            "asking for a report says it is queued / the queue is down",
        )
        versions = one("select count(*) from outcomes_reportversion where status = 'queued'")
        check(versions == 1, "the report version is kept, queued")
        check(
            not ppi.stats["errors"] and not qi.stats["errors"],
            f"no 500s: {ppi.stats['errors'] + qi.stats['errors']}",
        )

        redis.start()
        worker = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "ppe", "worker", "-B", "--concurrency=1", "--loglevel=WARNING",
             "-s", str(Path(tempfile.gettempdir()) / "faults-beat-schedule")],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: one("select count(*) from ppe_pendingtask") == 0, 150, "kept tasks to be sent")
        check(True, "Redis back: beat resent every task kept while it was down")
        wait_until(lambda: one("select count(*) from outcomes_reportversion where status = 'done'") == 1, 420,
                   "the queued report to be made (the sweeper re-queues it)")  # fmt: skip
        check(True, "and the report queued while Redis was down was made, once")
    finally:
        connection.close()
        stop(server)
        if worker:
            stop(worker)
        redis.stop()


def backup_restore(pg: Postgres, folder: Path) -> None:
    print("backup-restore")
    import psycopg2

    dump = folder / "faults.dump"
    subprocess.run([str(PG_BIN / "pg_dump"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-Fc",
                    "-f", str(dump), "faults"], check=True)  # fmt: skip
    pg.createdb("restored")
    subprocess.run([str(PG_BIN / "pg_restore"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres",
                    "-d", "restored", "--no-owner", str(dump)], check=True)  # fmt: skip

    def counts(name: str) -> dict[str, int]:
        with psycopg2.connect(pg.url(name)) as connection, connection.cursor() as cursor:
            cursor.execute("select tablename from pg_tables where schemaname = 'public' order by 1")
            tables = [row[0] for row in cursor.fetchall()]
            result = {}
            for table in tables:
                cursor.execute(f'select count(*) from "{table}"')  # noqa: S608 - names from the catalogue
                result[table] = cursor.fetchone()[0]
            return result

    original, restored = counts("faults"), counts("restored")
    check(
        original == restored,
        f"all {len(original)} tables have the same row counts ({sum(original.values()):,} rows)",
    )
    server = serve(app_env(pg.url("restored")))
    try:
        ppi = signed_in("PPI team")
        check(
            ppi.request("people", "GET", "/people/")[0] == 200,
            "the app serves the People Bank from the restored copy",
        )
        check(ppi.request("queue", "GET", "/requests/queue/?queue=all")[0] == 200, "and the requests queue")
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checks", nargs="*", default=["postgres-restart", "redis-down", "backup-restore"])
    args = parser.parse_args()
    import django

    django.setup()  # for the demo logins; the app under test runs in its own processes
    folder = Path(tempfile.mkdtemp(prefix="ppe-faults-"))
    folder.chmod(0o755)  # the cluster's own folder inside belongs to the postgres user
    pg, redis = Postgres(folder / "pg"), Redis()
    failed = []
    try:
        pg.start()
        pg.createdb("faults")
        env = app_env(pg.url("faults"))
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", "--force")
        steps = {
            "postgres-restart": lambda: postgres_restart(pg),
            "redis-down": lambda: redis_down(pg, redis),
            "backup-restore": lambda: backup_restore(pg, folder),
        }
        for name in args.checks:
            try:
                steps[name]()
            except Failed as exc:
                print(f"  FAILED  {exc}")
                failed.append(name)
    finally:
        redis.stop()
        try:
            pg.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{len(args.checks) - len(failed)} of {len(args.checks)} fault checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
