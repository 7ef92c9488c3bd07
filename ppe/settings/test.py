"""The test suite: the same settings as production in shape, made fast and predictable."""

import os

os.environ.setdefault("PPE_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "test"))

from ppe.settings.base import *  # noqa: E402,F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Unit tests run tasks in-process through Celery's own eager path; the tests marked
# `worker` start a real worker on REDIS_URL and switch eager off for themselves.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://"  # noqa: F405
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"  # noqa: F405
MEDIA_ROOT = VAR_DIR / "media"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tests keep the cache in memory whatever REDIS_URL says: clearing it between tests must
# never reach a Redis that a worker or another run is using.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
