"""The app as production runs it (DEBUG off), plus one bench-only page: the floor."""

from ppe.settings.local import *  # noqa: F403
from ppe.settings.local import BASE_DIR, TEMPLATES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]

# The bench signs its clients in hundreds of times: keep the table readable.
import os  # noqa: E402

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "WARNING")  # noqa: F405
