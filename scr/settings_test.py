"""Settings for the test suite: the real settings with fast hashing and plain HTTP.

The database and the broker still come from DATABASE_URL and CELERY_BROKER_URL, so
CI runs the suite on PostgreSQL and Redis.
"""

from scr.settings import *  # noqa: F403
from scr.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client and the browser tests speak plain HTTP.
HTTPS = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Ordinary tests run tasks in the calling thread; the tests about Celery start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A retried email in the real-worker tests goes again within a second or two.
EMAIL_RETRY_BACKOFF_SECONDS = 1
