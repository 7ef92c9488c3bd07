"""The app as production runs it (DEBUG off), plus one bench-only page: the floor."""

import os

from ppe.settings.local import *  # noqa: F403
from ppe.settings.local import BASE_DIR, TEMPLATES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
# As in production: static files indexed once at start, not looked up on every request
# (found through the finders here, so no collectstatic is needed; the root only has to exist).
WHITENOISE_AUTOREFRESH = False
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405

# The bench signs its clients in hundreds of times: keep the table readable.
LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "WARNING")  # noqa: F405
