"""Load: 20 simulated staff for 2 minutes over a realistic mix of pages and form posts.

    bench/run --load        (or: DATABASE_URL=... .venv/bin/python bench/load.py)

Serves the app with gunicorn (4 workers) on 127.0.0.1, with PostgreSQL, Redis and a real
Celery worker taking the emails the posts queue. Each simulated member of staff signs in
through the real sign-in form, then loops: open a page, sometimes fill in a form (every
hidden field and CSRF token read from the page, as a browser would), pause briefly.
Prints the requests made, errors (any answer of 400 or more, or no answer), and the
median and 95th percentile per kind of request and overall. Exit status 1 on any error.
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

from bench.common import percentile, wait_for  # noqa: E402


class FormReader(HTMLParser):
    """The POST forms on a page, each as (action, {field: value}), as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self._form: tuple[str, dict] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._nested = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self._form is not None:
            self._nested += 1  # browsers ignore a form inside a form, and so do we
        elif tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = (a.get("action") or "", {})
        if self._form is None:
            return
        fields = self._form[1]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in {"submit", "button", "file"}:
                fields[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in a or self._select not in fields):
            fields[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._form and self._textarea:
            self._form[1][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._nested:
            self._nested -= 1
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


class Staff:
    """One signed-in member of staff with their own cookies and connection."""

    def __init__(self, port: int, stats, lock):
        self.port, self.stats, self.lock = port, stats, lock
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, kind: str, method: str, url: str, body: dict | None = None) -> tuple[int, str, str]:
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, url, body=data, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self._record(kind, None, f"{method} {url}: {exc}")
            return 0, "", ""
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        error = f"{method} {url}: {response.status}" if response.status >= 400 else None
        self._record(kind, elapsed, error)
        return response.status, text, response.getheader("Location") or ""

    def _record(self, kind, elapsed, error):
        with self.lock:
            if elapsed is not None:
                self.stats["times"][kind].append(elapsed)
            if error:
                self.stats["errors"].append(error)

    def post_form(self, kind: str, page: str, fill: dict, action: str = "") -> None:
        status, text, _ = self.request(kind + " (open)", "GET", page)
        if status != 200:
            return
        reader = FormReader()
        reader.feed(text)
        forms = [form for form in reader.forms if "logout" not in form[0] and action in form[0]]
        if not forms:
            self._record(kind, None, f"no form on {page}")
            return
        target, fields = forms[-1]
        fields.update(fill)
        status, text, _ = self.request(kind, "POST", target or page, fields)
        if status == 200:  # the form came back: it was refused, which the mix never intends
            self._record(kind, None, f"POST {page}: form refused")

    def sign_in(self, username: str, password: str) -> None:
        self.post_form("sign in", "/accounts/login/", {"username": username, "password": password})
        if "sessionid" not in self.cookies:
            raise SystemExit(f"{username} could not sign in")


def plan(ids: dict):
    """What each role does, with weights: mostly reading, some writing."""
    rng = random.Random()

    def person():
        return f"/people/{rng.choice(ids['people'])}/"

    def a_request():
        return f"/requests/{rng.choice(ids['requests'])}/"

    today = time.strftime("%d %m %Y").split()
    ppi = [
        (20, lambda s: s.request("people list", "GET", "/people/")),
        (
            10,
            lambda s: s.request("people search", "GET", f"/people/?q={rng.choice(['pat', 'smith', 'ali'])}"),
        ),
        (15, lambda s: s.request("person page", "GET", person())),
        (12, lambda s: s.request("requests queue", "GET", "/requests/queue/?queue=all")),
        (10, lambda s: s.request("request page", "GET", a_request())),
        (8, lambda s: s.request("home", "GET", "/")),
        (5, lambda s: s.request("organisations", "GET", "/organisations/")),
        (
            6,
            lambda s: s.post_form(
                "log a conversation",
                person() + "conversations/new/",
                {
                    "happened_on_0": today[0],
                    "happened_on_1": today[1],
                    "happened_on_2": today[2],
                    "channel": "phone",
                    "summary": "Called to talk about the discharge project; keen to join.",
                },
            ),
        ),
    ]
    qi = [
        (30, lambda s: s.request("my requests", "GET", "/requests/")),
        (20, lambda s: s.request("home", "GET", "/")),
        (10, lambda s: s.request("opportunities", "GET", "/opportunities/")),
        (
            6,
            lambda s: s.post_form(
                "save a draft request",
                "/requests/new/",
                {"title": f"Reducing waits in outpatients {rng.randint(1, 9999)}"},
            ),
        ),
    ]
    board = [
        (30, lambda s: s.request("home", "GET", "/")),
        (20, lambda s: s.request("board reports", "GET", "/reports/")),
    ]
    return {"ppi": ppi, "qi": qi, "board": board}


def run_load(port: int, staff: int, seconds: float, ids: dict) -> dict:
    from ppe.demo import DEMO_USERS

    by_role = {"ppi": [], "qi": [], "board": []}
    for username, password, _first, _last, role in DEMO_USERS:
        key = {"PPI team": "ppi", "QI lead": "qi", "Board member": "board"}[role.value]
        by_role[key].append((username, password))
    mix = plan(ids)
    # 20 staff: most of the traffic is the PPI team's.
    roles = ["ppi"] * round(staff * 0.6) + ["qi"] * round(staff * 0.3)
    roles += ["board"] * (staff - len(roles))
    stats = {"times": defaultdict(list), "errors": []}
    lock = threading.Lock()
    # Staff sign in once a day, not all in the same second: everyone signs in first
    # (timed on its own line), then the clock starts for the working mix.
    window = {}
    ready = threading.Barrier(
        len(roles) + 1, action=lambda: window.__setitem__("stop", time.monotonic() + seconds)
    )

    def member(n: int, role: str):
        rng = random.Random(n)
        person = Staff(port, stats, lock)
        username, password = by_role[role][n % len(by_role[role])]
        person.sign_in(username, password)
        ready.wait()
        actions = mix[role]
        weights = [w for w, _ in actions]
        while time.monotonic() < window["stop"]:
            rng.choices(actions, weights)[0][1](person)
            time.sleep(rng.uniform(0.2, 1.0))  # reading the page

    threads = [threading.Thread(target=member, args=(n, role)) for n, role in enumerate(roles)]
    for thread in threads:
        thread.start()
    ready.wait()
    for thread in threads:
        thread.join()
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--port", type=int, default=18121)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from involvement_requests.models import InvolvementRequest
    from people_bank.models import Person

    if not settings.REDIS_URL:
        sys.exit("Set REDIS_URL: the load test runs the production way, with Redis and a worker.")
    ids = {
        "people": list(Person.objects.order_by("?").values_list("pk", flat=True)[:500]),
        "requests": list(InvolvementRequest.objects.order_by("?").values_list("pk", flat=True)[:500]),
    }
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "ppe.wsgi:application", "-w", "4", "-b", f"127.0.0.1:{args.port}"]
        + ["--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    worker = subprocess.Popen(
        [str(bin_dir / "celery"), "-A", "ppe", "worker", "--concurrency=1", "--loglevel=WARNING"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(args.port, server)
        print(f"{args.staff} staff for {args.seconds:.0f} s against gunicorn (4 workers), PostgreSQL, Redis")
        stats = run_load(args.port, args.staff, args.seconds, ids)
        took = args.seconds
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            process.wait(timeout=20)
    every = [t for kind, times in stats["times"].items() for t in times if not kind.startswith("sign in")]
    print(f"\n{'request':<32} {'count':>6} {'median ms':>10} {'p95 ms':>8}")
    for kind, times in sorted(stats["times"].items()):
        print(f"{kind:<32} {len(times):>6} {statistics.median(times):>10.1f} {percentile(times, 0.95):>8.1f}")
    print(
        f"{'all (after signing in)':<32} {len(every):>6} {statistics.median(every):>10.1f}"
        f" {percentile(every, 0.95):>8.1f}"
        f"\n\n{len(every) / took:.1f} requests a second; errors: {len(stats['errors'])}"
    )
    for error in stats["errors"][:20]:
        print("  ", error)
    sys.exit(1 if stats["errors"] else 0)


if __name__ == "__main__":
    main()
