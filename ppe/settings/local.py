"""Running on a laptop: debug on, SQLite and in-process tasks unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")

from ppe.settings.base import *  # noqa: E402,F403
from ppe.settings.base import env_bool  # noqa: E402

DEBUG = env_bool("DEBUG", True)
# A fixed key is fine for development only; production.py refuses to start without one.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Serve static files straight from static/ and node builds, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
