"""The Serious Case Review service: the core every procedure stage stands on."""

from scr.celery import app as celery_app

__all__ = ["celery_app"]
