"""WSGI entry point for gunicorn."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scr.settings")

application = get_wsgi_application()


def _refuse_an_insecure_key() -> None:
    """A server without DEBUG must have a secret key of its own: the development key in
    settings.py would let anyone forge sessions and password-reset links."""
    from django.conf import settings

    from scr.settings import DEVELOPMENT_SECRET_KEY

    if not settings.DEBUG and settings.SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
        raise ImproperlyConfigured(
            "Set SECRET_KEY to a long random value (see .env.example) before serving."
        )


_refuse_an_insecure_key()
