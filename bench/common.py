"""What every bench script shares: one definition of the 95th percentile, timing a call,
waiting for a server to answer, and a signed-in session cookie made without a password
round trip."""

import http.client
import statistics
import subprocess
import time


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the value below which `share` of the values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(len(ordered) * share) - 1))]


def timed(call, runs: int) -> tuple[float, float, int]:
    """The median and 95th percentile in ms of `runs` calls, after one to warm caches and
    connections, and the number of SQL queries one call runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        call()
    return statistics.median(timings), percentile(timings, 0.95), len(captured)


def session_cookie(username: str) -> str:
    """A Cookie header value for a new session signed in as `username`."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from ppe.auth import BACKEND

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["ppe_signed_in_at"] = int(time.time())
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def wait_for(port: int, server: subprocess.Popen) -> None:
    """Until the server on `port` answers its health check (or exits, or 30 s pass)."""
    for _ in range(150):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped: is port {port} free?")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def migrate_and_seed(seed: bool, seeded_when, **sizes) -> None:
    """Migrate; then, if `seed` and the model `seeded_when` has no rows yet, fill the
    database with `seed_demo` at these sizes and analyse it, so that PostgreSQL plans with
    the tables as they are (autovacuum may not have run yet)."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if not seed or seeded_when.objects.exists():
        return
    started = time.perf_counter()
    call_command("seed_demo", force=True, verbosity=0, **sizes)
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
