"""Settings shared by every way of running the app.

Everything that differs between a laptop and a Trust's servers comes from the
environment: DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and the email settings.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PPE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

TRUST_NAME = os.environ.get("TRUST_NAME", "Northfield Hospitals NHS Foundation Trust")
SERVICE_NAME = "Patient and Public Involvement"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "django_filters",
    "axes",
    "ppe",
    "people_bank",
    "involvement_requests",
    "outcomes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ppe.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ppe.middleware.SessionLifetimeMiddleware",
    "ppe.two_factor.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ppe.middleware.SubmitOnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "ppe.middleware.NoStoreForSignedInMiddleware",
    # Axes last, as its documentation asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ppe.urls"
WSGI_APPLICATION = "ppe.wsgi.application"
ASGI_APPLICATION = "ppe.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ppe.context_processors.service",
            ],
            "builtins": ["ppe.templatetags.access", "ppe.templatetags.ppe_tags"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ppe.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Let concurrent writers wait for each other instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ppe.auth.SignedInBackend",
]

# Length, not composition: NCSC and NIST both advise against character-class rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 minutes without a request and 12 hours after sign-in at most.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", 30 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout after repeated failed sign-ins, counted per username so that the message is the
# same whether or not the account exists.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 10))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 30)))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# No MEDIA_URL is served: files (reports, receipts) go out only through views that check
# who is asking.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_FAIL_SILENTLY = False

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ppi-team@example.nhs.uk")
PPI_TEAM_EMAIL = os.environ.get("PPI_TEAM_EMAIL", "ppi-team@example.nhs.uk")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery: with no REDIS_URL, tasks run in-process as they are queued, so a laptop needs
# no broker. With one, a real worker and beat do the work.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"


def _redis_cache_url(broker_url: str) -> str:
    """The cache lives in the next Redis database after the broker's, so clearing it never
    touches queued work."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(broker_url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{db + 1}"))


# The cache holds the public forms' rate-limit counters: with Redis they are shared by
# every gunicorn worker; without, each process keeps its own (fine for one laptop).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ppe.cache.TolerantRedisCache",
            "LOCATION": os.environ.get("REDIS_CACHE_URL") or _redis_cache_url(REDIS_URL),
            "KEY_PREFIX": "ppe",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Every request reads its session: from Redis, falling back to the database (which
    # keeps every session, so losing Redis signs no one out). Spares a query per page.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Our tasks write their outcome to the database; nothing waits on Celery results, so the
# web processes never hold a result-backend connection that an outage could wedge.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when Redis is down so a page can say so instead of hanging.
# A task is acknowledged only when it ends (acks_late): if its worker dies, Redis hands it to
# another worker once the visibility timeout has passed. It must outlast the time limit,
# or a slow task would be handed out twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "max_retries": 1,
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 30 * 60)),
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "heartbeat": {"task": "ppe.tasks.heartbeat", "schedule": crontab(minute="*/15")},
    # Work kept while Redis was down goes out as soon as it is back.
    "resend-pending-tasks": {"task": "ppe.tasks.resend_pending_tasks", "schedule": 60.0},
    "retention": {"task": "ppe.tasks.apply_retention", "schedule": crontab(hour=2, minute=30)},
    # People Bank: Patient Partner review and tenure-end reminders, every morning.
    "people-bank-tenure-reminders": {
        "task": "people_bank.tasks.send_tenure_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Board report: daily, but it only asks on the first working day after a quarter ends.
    "board-report-due": {"task": "outcomes.request_due_board_report", "schedule": crontab(hour=7, minute=0)},
    "board-report-sweep": {"task": "outcomes.sweep_board_reports", "schedule": crontab(minute="*")},
}

# How long records are kept, in days, before the nightly task removes or anonymises them
# (see ppe/retention.py and the README's "Security and data protection"). A Trust sets its
# own from its records management policy; override any with RETENTION_<KEY>_DAYS.
RETENTION_DAYS = {
    "sign_in_records": 90,
    "expired_sessions": 1,
    "form_submission_keys": 2,
    # People Bank (people_bank/retention.py)
    # Anonymised seven years after leaving: as long as the payment receipts, since a partner's
    # payments are finance records HMRC may ask about.
    "people_left": 7 * 366,
    "unconfirmed_sign_ups": 90,  # Hospital Improver sign-ups never confirmed
    "closed_applications": 365,  # what unsuccessful or withdrawn applicants wrote
    "conversation_notes": 6 * 365,  # what was said; the date and channel stay
    # Requests and outcomes add their keys here.
}
for _key in list(RETENTION_DAYS):
    RETENTION_DAYS[_key] = int(os.environ.get(f"RETENTION_{_key.upper()}_DAYS", RETENTION_DAYS[_key]))

# People Bank public forms (Hospital Improver sign-up, Patient Partner application): at
# most this many posts from one address in the window (seconds), then a "try later" page.
PEOPLE_BANK_PUBLIC_FORM_LIMIT = int(os.environ.get("PEOPLE_BANK_PUBLIC_FORM_LIMIT", 20))
PEOPLE_BANK_PUBLIC_FORM_WINDOW = 60 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

# Lockout is per username on purpose: staff sign in from behind a few shared hospital
# NAT addresses, and locking an address would lock out whole wards at once.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Patient Involvement Requests -------------------------------------------------------
# A request waiting this many days since it was (re)submitted shows as assessment overdue.
REQUESTS_ASSESSMENT_DUE_DAYS = int(os.environ.get("REQUESTS_ASSESSMENT_DUE_DAYS", 10))
# Until the People Bank lands, the weekly opportunities digest goes to these addresses.
REQUESTS_DIGEST_RECIPIENTS = env_list("REQUESTS_DIGEST_RECIPIENTS", PPI_TEAM_EMAIL)
CELERY_BEAT_SCHEDULE["requests-opportunities-digest"] = {
    "task": "involvement_requests.tasks.send_opportunities_digest",
    "schedule": crontab(minute=0, hour=9, day_of_week="mon"),
}

# --- Payments (sessions, expenses, finance export) ----------------------------------------
# Whether the member of staff who recorded an expense claim may approve it themselves.
PAYMENTS_FORBID_SELF_APPROVAL = env_bool("PAYMENTS_FORBID_SELF_APPROVAL", True)
# Largest receipt accepted, in bytes (PDF, JPEG or PNG).
PAYMENTS_RECEIPT_MAX_BYTES = int(os.environ.get("PAYMENTS_RECEIPT_MAX_BYTES", 5 * 1024 * 1024))
# Receipt files go after seven years (the tax year plus six, as HMRC asks of employers'
# records); the ledger, claims and sessions stay, as finance history and Board totals.
RETENTION_DAYS["payment_receipts"] = int(os.environ.get("RETENTION_PAYMENT_RECEIPTS_DAYS", 7 * 366))

# --- Matching, allocation and invitations (involvement requests) -----------------------
# The match page shows the best N people, ranked from a pool the database narrows first.
REQUESTS_MATCH_LIMIT = int(os.environ.get("REQUESTS_MATCH_LIMIT", 50))
REQUESTS_MATCH_POOL = int(os.environ.get("REQUESTS_MATCH_POOL", 200))
# "Not always the same few people": allocations and invitations this many months back count.
REQUESTS_MATCH_RECENT_MONTHS = int(os.environ.get("REQUESTS_MATCH_RECENT_MONTHS", 6))
# An emailed invitation link works once, for this many days.
REQUESTS_INVITATION_EXPIRY_DAYS = int(os.environ.get("REQUESTS_INVITATION_EXPIRY_DAYS", 14))
# One reminder, this many days after the invitation, to those who have not answered.
REQUESTS_INVITATION_REMINDER_DAYS = int(os.environ.get("REQUESTS_INVITATION_REMINDER_DAYS", 7))
CELERY_BEAT_SCHEDULE["requests-invitation-reminders"] = {
    "task": "involvement_requests.tasks.send_invitation_reminders",
    "schedule": crontab(minute=30, hour=8),
}

# --- Outcomes: evaluation forms and "you said, we did" ----------------------------------
# A personal evaluation link works for this many days; one reminder goes after this many.
OUTCOMES_EVALUATION_LINK_DAYS = int(os.environ.get("OUTCOMES_EVALUATION_LINK_DAYS", 28))
OUTCOMES_EVALUATION_REMINDER_DAYS = int(os.environ.get("OUTCOMES_EVALUATION_REMINDER_DAYS", 7))
# Evaluation comments (free text) are cleared after two years; the scores stay for the figures.
RETENTION_DAYS["evaluation_free_text"] = int(os.environ.get("RETENTION_EVALUATION_FREE_TEXT_DAYS", 730))
CELERY_BEAT_SCHEDULE["outcomes-send-evaluations"] = {
    "task": "outcomes.send_due_evaluations",
    "schedule": crontab(hour=10, minute=0),
}
CELERY_BEAT_SCHEDULE["outcomes-evaluation-reminders"] = {
    "task": "outcomes.send_evaluation_reminders",
    "schedule": crontab(hour=10, minute=30),
}
