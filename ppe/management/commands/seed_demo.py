"""Deterministic, realistic synthetic data for every model (invented people only).

    manage.py seed_demo                 the demo: a few hundred rows, demo logins printed
    manage.py seed_demo --scale bench   the benchmark dataset (PostgreSQL advised)
    manage.py seed_demo --people 100000 --requests 20000 ...

Each app that has data to seed provides `<app>/demo.py` with
`seed(*, rng, sizes, log) -> None`; they run in dependency order, with bulk inserts
(ppe.bulk: COPY on PostgreSQL), and on PostgreSQL each app's tables are analysed after it.
"""

import importlib
import random
import time

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ppe import counts
from ppe.bulk import analyse
from ppe.demo import create_demo_users, seed_audit

APPS_IN_ORDER = ["people_bank", "involvement_requests", "outcomes"]

SCALES = {
    "demo": {
        "people": 300,
        "organisations": 40,
        "conversations": 900,
        "requests": 60,
        "activities": 80,
        "suggestions": 300,
        "evaluations": 400,
        "sessions": 500,
        "audit_events": 3_000,
    },
    "bench": {
        "people": 100_000,
        "organisations": 2_000,
        "conversations": 500_000,
        "requests": 20_000,
        "activities": 50_000,
        "suggestions": 200_000,
        "evaluations": 200_000,
        "sessions": 50_000,
        "audit_events": 1_000_000,
    },
}


class Command(BaseCommand):
    help = "Fill the database with deterministic synthetic demo data and demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        for name in SCALES["demo"]:
            parser.add_argument(f"--{name}", type=int, help=f"how many {name} (overrides --scale)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="do nothing if demo users exist")
        parser.add_argument("--force", action="store_true", help="allow with DEBUG off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo makes demo logins: run it with DEBUG on, or --force.")
        if options["if_empty"] and User.objects.filter(username="ppi").exists():
            self.stdout.write("Demo data already there.")
            self._print_logins()
            return
        sizes = dict(SCALES[options["scale"]])
        for name in sizes:
            if options.get(name) is not None:
                sizes[name] = options[name]
        rng = random.Random(options["seed"])
        started = time.monotonic()
        with transaction.atomic():
            create_demo_users()
        for app in APPS_IN_ORDER:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            step = time.monotonic()
            module.seed(rng=rng, sizes=sizes, log=self.stdout.write)
            analyse(app)
            self.stdout.write(f"  {app}: {time.monotonic() - step:.1f} s")
        step = time.monotonic()
        seed_audit(rng=rng, count=sizes["audit_events"], log=self.stdout.write)
        analyse("ppe")
        self.stdout.write(f"  audit log: {time.monotonic() - step:.1f} s")
        counts.changed_everything()  # bulk inserts send no signals: forget any kept counts
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s."))
        self._print_logins()

    def _print_logins(self):
        from ppe.demo import ADMIN, DEMO_USERS

        self.stdout.write("\nDemo logins (development only):")
        for username, password, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {role.value:<14} {username:<10} {password}")
        self.stdout.write(f"  {'Administrator':<14} {ADMIN[0]:<10} {ADMIN[1]}   (/admin/)")
        self.stdout.write("\nOpen http://127.0.0.1:8000 and sign in.\n")
