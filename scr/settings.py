"""Settings, all from the environment (README.md lists the variables).

Without any variable set the service runs on embedded defaults that need no server:
SQLite under var/, emails written as files under var/mail/, and a Celery broker on
the filesystem under var/celery/. DATABASE_URL and CELERY_BROKER_URL switch to
PostgreSQL and Redis without a code change.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# A development key for `make run` and the tests: `check --deploy` flags it, and the
# WSGI server refuses to start with it unless DEBUG is on (scr/wsgi.py).
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "scr.accounts",
    "scr.audit",
    "scr.reviewtypes",
    "scr.cases",
    "scr.deadlines",
    "scr.documents",
    "scr.outbox",
    "scr.demo",
    "referrals",
    "panel",
    "imr",
    "overview",
    "actionplans",
    # The benchmark data's `seed_scale` command: it writes every stage's rows, so it sits
    # outside the core (bench/scale).
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "scr.accounts.middleware.SessionTimeoutMiddleware",
    "scr.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "scr.middleware.NoStoreMiddleware",
    "scr.middleware.MethodNotAllowedPageMiddleware",
    "scr.audit.middleware.AccessDeniedAuditMiddleware",
    # Before the case's own view: an older reference (SCR-2026-001) goes on to today's.
    "scr.cases.middleware.OldReferenceRedirectMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by the backend into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "scr.urls"
WSGI_APPLICATION = "scr.wsgi.application"

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
                "scr.context_processors.service",
            ],
            # {% govuk_field field %} on every page (scr/govuk.py).
            "builtins": ["scr.govuk"],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# On PostgreSQL the service's role (DATABASE_URL) owns nothing; the tables' owner runs
# migrate, retention and db_roles through this URL, never the web or the workers
# (scr/audit/db_roles.py, docs/deployment.md). Its user, password, host and port
# replace DATABASE_URL's for those commands; the database is the same.
DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default="")
# The embedded SQLite of `make run` with two people saving at once: readers never block
# the writer (WAL); a transaction takes the write lock when it begins, so two never
# deadlock upgrading a read lock ("database is locked" at once, a 500); a writer waits
# up to `timeout` seconds for another instead of failing.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No anonymous user row: every permission question is asked of a signed-in user.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_MONKEY_PATCH_USER = False

LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "cases:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

AUTH_PASSWORD_VALIDATORS = [
    # The user has one full_name, not Django's default first_name and last_name.
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    # Each word of the name, and the address before the @, anywhere in the password.
    {"NAME": "scr.accounts.passwords.PersonalPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Millions of breached passwords, offline; and the range API below if set.
    {"NAME": "scr.accounts.passwords.BreachedPasswordValidator"},
]
# A Pwned Passwords range API (k-anonymity: only the first 5 characters of the SHA-1 are
# sent), e.g. https://api.pwnedpasswords.com/range/ . Off by default: the offline list
# always applies, and a network call from a sign-in page is a choice to make.
PASSWORD_BREACH_RANGE_URL = env.str("PASSWORD_BREACH_RANGE_URL", default="")
PASSWORD_BREACH_RANGE_TIMEOUT = env.float("PASSWORD_BREACH_RANGE_TIMEOUT", default=3.0)

# UK English, Europe/London, dd/mm/yyyy and the 24-hour clock (scr/formats/en_GB).
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["scr.formats"]

# GOV.UK Frontend comes from npm (node_modules/, never committed); our Sass build of it
# lands in build/static/. Both are served by whitenoise.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    BASE_DIR / "build" / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded case files and rendered documents (scr/uploads.py): outside the web root,
# served only through permission checks. PRIVATE_STORAGE=local (the default) keeps them
# under PRIVATE_FILES_ROOT, which every web process and worker must share; s3 keeps them
# in an S3-compatible bucket, so that web and workers can run on several machines.
PRIVATE_FILES_ROOT = env.path("PRIVATE_FILES_ROOT", default=VAR_DIR / "private")
PRIVATE_STORAGE = env.str("PRIVATE_STORAGE", default="local")
if PRIVATE_STORAGE == "local":
    STORAGES["private"] = {"BACKEND": "scr.storage.PrivateFileSystemStorage"}
elif PRIVATE_STORAGE == "s3":
    from botocore.config import Config as S3Config

    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            # Unset for AWS itself; the address of MinIO, Ceph, a cloud's S3 API...
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # A prefix of every key, to share a bucket: "scr/" (empty: none).
            "location": env.str("AWS_LOCATION", default=""),
            # No ACL is sent: objects stay private, as the bucket is (and a bucket with
            # ACLs disabled, the default on AWS, refuses any other). Nothing is ever
            # served from the bucket: downloads go through the permission-checked views.
            "default_acl": None,
            "querystring_auth": True,
            # Names are random (uploads.store): no existence check before each write.
            "file_overwrite": True,
            # A download past 1 MB waits in a temporary file, not in memory.
            "max_memory_size": 1024 * 1024,
            # A storage that does not answer must not hold a request for minutes.
            "client_config": S3Config(
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
                # "path" for most S3-compatible servers; unset lets botocore choose.
                s3={"addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="auto")},
            ),
            # Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the
            # environment, or whatever else boto3 finds (an instance or task role).
        },
    }
else:
    raise ImproperlyConfigured(f"PRIVATE_STORAGE must be local or s3, not {PRIVATE_STORAGE!r}.")

# The cache: nothing relies on it for correctness (sessions and sign-in throttling live
# in the database), so each process may have its own. CACHE_URL=redis://host:6379/1
# shares one between processes and machines, and then sessions are read through it.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
_redis_cache = CACHES["default"]["BACKEND"].endswith(".RedisCache")
if _redis_cache:
    # Django's own client, whichever Redis libraries happen to be installed.
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
# Sessions are rows in the database: any process reads the one another wrote. With a
# Redis cache they are read through it first (cached_db); never through a per-process or
# per-machine cache, which would let a session ended in one process live on in another.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if _redis_cache
    else "django.contrib.sessions.backends.db"
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Uploads and virus scanning (scr/uploads.py). The largest file anyone may upload (a
# paper, evidence, a chronology to import), and what the uploaded files of one case may
# add up to; rendered documents do not count.
UPLOAD_MAX_MB = env.int("UPLOAD_MAX_MB", default=10)
UPLOAD_CASE_QUOTA_MB = env.int("UPLOAD_CASE_QUOTA_MB", default=200)
# A chronology workbook is a zip: what it may hold, checked before it is opened.
IMPORT_MAX_ZIP_MEMBERS = env.int("IMPORT_MAX_ZIP_MEMBERS", default=500)
IMPORT_MAX_UNCOMPRESSED_MB = env.int("IMPORT_MAX_UNCOMPRESSED_MB", default=100)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
# Virus scanning of every upload and import by clamd (INSTREAM): CLAMD_URL is
# tcp://host:3310 or unix:///path/to/clamd.sock (CLAMD_SOCKET, or CLAMD_HOST and
# CLAMD_PORT, say the same the older way). Off when none is set; when set, an upload that
# cannot be scanned is refused. docker-compose.yml runs clamd and sets it.
CLAMD_URL = env.str("CLAMD_URL", default="")
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.int("CLAMD_TIMEOUT", default=30)
# The longest a PDF may take to lay out before it is stopped and marked failed; the
# worker's task limits sit just above it (scr/documents/tasks.py).
DOCUMENT_RENDER_SECONDS = env.int("DOCUMENT_RENDER_SECONDS", default=600)
# Long documents (scr/documents/pipeline.py): one of at least DOCUMENT_PDF_SPLIT_KB of HTML
# whose template marks its parts is laid out part by part (0: never), long tables in chunks
# of about DOCUMENT_PDF_CHUNK_ROWS rows, by DOCUMENT_PDF_WORKERS processes at once; the
# laid-out parts are kept until unused for DOCUMENT_PDF_PART_DAYS, so that the next render
# lays out only the parts that changed.
DOCUMENT_PDF_SPLIT_KB = env.int("DOCUMENT_PDF_SPLIT_KB", default=64)
DOCUMENT_PDF_WORKERS = env.int("DOCUMENT_PDF_WORKERS", default=os.cpu_count() or 1)
DOCUMENT_PDF_CHUNK_ROWS = env.int("DOCUMENT_PDF_CHUNK_ROWS", default=200)
DOCUMENT_PDF_PART_DAYS = env.int("DOCUMENT_PDF_PART_DAYS", default=30)

# Email. EMAIL_URL (smtp://user:password@host:587, smtp+tls://...) selects a real server;
# without it every email is written to var/mail/ as an .eml file and echoed to the console.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
    if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":  # noqa: F821
        # Django's, with the moment before the end of a message open to the outbox.
        EMAIL_BACKEND = "scr.mail.SMTPBackend"
else:
    EMAIL_BACKEND = "scr.mail.FileAndConsoleBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# A mail server that hangs must not hold a send (and its claim) for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="scr-service@example.org")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. The embedded default is kombu's filesystem transport: no server needed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Three queues, so that a burst of PDF renders never delays a reminder: "emails" (every
# task that sends mail; letters attach a short PDF of their own), "documents" (the long
# renders) and "celery", the default (the sweeps beat starts). A worker consumes the
# queues it is given with -Q: one per queue in docker-compose.yml, all three in `make run`.
# tests/celery/test_queues.py holds every task to this: a new task must be placed here,
# or, a stage's task, in the stage's AppConfig.ready() (scr.registry.TASK_QUEUES).
CELERY_TASK_DEFAULT_QUEUE = "celery"
_EMAIL_TASKS = [
    # Every email is a row of the outbox (scr/outbox): these send one row, or run the
    # job that writes an event's emails.
    "scr.outbox.tasks.email_send_task",
    "scr.outbox.tasks.email_job_task",
    # Reminders and digests: hand one row of the deadline sweep to the outbox.
    "scr.deadlines.tasks.reminder_send_task",
    "scr.deadlines.tasks.digest_send_task",
]
CELERY_TASK_ROUTES = (
    {
        **{name: {"queue": "emails"} for name in _EMAIL_TASKS},
        # Every task of the document pipeline, present and to come.
        "scr.documents.tasks.*": {"queue": "documents"},
    },
    # Then the queues the stages registered for their tasks.
    "scr.celery.route_registered",
)
CELERY_TIMEZONE = TIME_ZONE
# How often the sweeps run (the deadlines', and those the stages register in
# scr.registry.BEAT_ENTRIES): every 15 minutes by default.
DEADLINE_SWEEP_MINUTES = env.int("DEADLINE_SWEEP_MINUTES", default=15)
CELERY_BEAT_SCHEDULE = {
    "deadline-sweep": {
        "task": "scr.deadlines.tasks.deadline_sweep_task",
        "schedule": 60.0 * DEADLINE_SWEEP_MINUTES,
    },
    # The outbox: emails whose task was lost (a broker restarted, a worker killed) or
    # whose send failed and is due again go back to the broker within a minute.
    "outbox-sweep": {
        "task": "scr.outbox.tasks.outbox_sweep_task",
        "schedule": float(env.int("OUTBOX_SWEEP_SECONDS", default=60)),
    },
}
# The first retry of a failed email waits about this long, doubling each time, up to
# OUTBOX_MAX_BACKOFF_SECONDS: an email that keeps failing is tried at least hourly, never
# dropped (scr/outbox).
EMAIL_RETRY_BACKOFF_SECONDS = env.int("EMAIL_RETRY_BACKOFF_SECONDS", default=30)
OUTBOX_MAX_BACKOFF_SECONDS = env.int("OUTBOX_MAX_BACKOFF_SECONDS", default=3600)
# A send is cut off after this many seconds (EMAIL_TIMEOUT bounds each SMTP step).
OUTBOX_SEND_TIME_LIMIT = env.int("OUTBOX_SEND_TIME_LIMIT", default=120)
# A row 'sending' for longer than this belongs to a worker that died: sent again. Longer
# than the send's hard time limit (OUTBOX_SEND_TIME_LIMIT + 15).
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
# A row published this long ago and not sent lost its message (broker restarted).
OUTBOX_REPUBLISH_SECONDS = env.int("OUTBOX_REPUBLISH_SECONDS", default=120)
# The same for a reminder or digest queued and not handed to the outbox: shorter than the
# deadline sweep's period, so the next sweep queues again what a broker lost.
DEADLINE_REQUEUE_SECONDS = env.int("DEADLINE_REQUEUE_SECONDS", default=300)
# Any task that meets a transient database error (SQLite's "database is locked", a
# PostgreSQL restart, a serialization failure or deadlock) is tried again up to this
# many times, after about BACKOFF, 2 x BACKOFF, ... seconds (random jitter, capped at
# BACKOFF_MAX): scr.celery.Task.
TASK_DATABASE_RETRIES = env.int("TASK_DATABASE_RETRIES", default=5)
TASK_DATABASE_RETRY_BACKOFF = env.int("TASK_DATABASE_RETRY_BACKOFF", default=2)
TASK_DATABASE_RETRY_BACKOFF_MAX = env.int("TASK_DATABASE_RETRY_BACKOFF_MAX", default=60)
# Redis hands an unacknowledged message (a worker killed, a task waiting for its retry
# countdown) to another worker after this long: longer than the longest retry backoff of
# any task, or a waiting retry would be run twice.
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=7200)
if not CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Security. HTTPS defaults on outside DEBUG; behind a proxy that terminates TLS set
# SECURE_PROXY_SSL_HEADER=true (and SECURE_SSL_REDIRECT=false if the proxy redirects).
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)

# Sign-in throttling (django-axes and scr/accounts/lockout.py): a cool-off rather than a
# permanent lock. The refusal is a 429 page and one audit row per
# lockout (scr/accounts/lockout.py).
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("SIGN_IN_COOLOFF_MINUTES", default=15) / 60
# The pair is locked, not the account or the address alone: nobody can lock a colleague
# out from elsewhere, and one person does not lock their whole office (one NAT address).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Every failure, for the two counts of scr/accounts/lockout.py: an account guessed at from
# many addresses is slowed down to one attempt per SIGN_IN_SLOW_SECONDS once it has had
# SIGN_IN_SLOW_AFTER failures within the cool-off; an address that fails
# SIGN_IN_ADDRESS_LIMIT times within the cool-off (whichever accounts) waits it out.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
SIGN_IN_SLOW_AFTER = env.int("SIGN_IN_SLOW_AFTER", default=10)
SIGN_IN_SLOW_SECONDS = env.int("SIGN_IN_SLOW_SECONDS", default=30)
SIGN_IN_ADDRESS_LIMIT = env.int("SIGN_IN_ADDRESS_LIMIT", default=50)
# A success must not wipe the count: axes would delete every failure from the same
# address too, so anyone with one account could guess another's password without end.
AXES_RESET_ON_SUCCESS = False
# Attempts refused while locked out do not restart the clock, so the page's "wait 15
# minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "scr.accounts.lockout.lockout_response"
# The client's address, one rule for the lockouts and the audit trail
# (scr.audit.services.client_ip): with TRUSTED_PROXY_COUNT=0 (the default) it is
# REMOTE_ADDR and X-Forwarded-For is ignored, since anyone can send one. Behind N proxies
# that each append the address they were reached from, it is the Nth address from the
# right of X-Forwarded-For; what lies to its left came from the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "scr.audit.services.client_ip"

# Two-factor sign-in (django-otp, TOTP with backup codes) for every user, admin included.
OTP_TOTP_ISSUER = env.str("OTP_ISSUER", default="Serious Case Reviews")
# `make run` only: the code page shows the code the demo person's app would show.
DEMO_SECOND_FACTOR = env.bool("DEMO_SECOND_FACTOR", default=False)
# Sessions end after this many minutes without a request (a warning comes first), and
# in any case this many hours after sign-in.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_IDLE_WARNING_MINUTES = env.int("SESSION_IDLE_WARNING_MINUTES", default=2)
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)

# Content Security Policy (django-csp): scripts and styles from this site only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Documents: pages longer than this are rendered by a Celery task (later issues).
DOCUMENTS_STATIC_BASE = "https://static.scr.invalid/"

# One line per message, whatever a user typed (scr/logs.py); no token from an address.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "secret_paths": {"()": "scr.logs.RedactSecretPaths"},
        "no_template_context": {"()": "scr.logs.NoTemplateContext"},
    },
    "formatters": {
        "plain": {
            "()": "scr.logs.SafeFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # The filesystem broker has no host name; kombu says so on every connection.
        "kombu.connection": {"level": "ERROR"},
        # Its 4xx and 5xx lines give the address: a calendar feed's carries its token.
        "django.request": {"filters": ["secret_paths"]},
        # At DEBUG it logs a failed variable lookup with the page's whole context.
        "django.template": {"filters": ["no_template_context"]},
    },
}
