"""Web processes hold nothing another process needs (docs/deployment.md): sessions are
database rows, read through a cache only when it is shared (Redis); the cache defaults
to one per process, which nothing relies on; sign-in lockouts are database rows."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import caches
from django.utils.module_loading import import_string

from tests.environment import settings_from

DB = "django.contrib.sessions.backends.db"
CACHED_DB = "django.contrib.sessions.backends.cached_db"


def test_by_default_sessions_are_rows_and_the_cache_is_the_processes_own(monkeypatch):
    loaded = settings_from({}, monkeypatch, unset=["CACHE_URL"])
    assert loaded["SESSION_ENGINE"] == DB
    assert loaded["CACHES"]["default"]["BACKEND"].endswith(".LocMemCache")


def test_a_redis_cache_is_shared_and_sessions_are_read_through_it(monkeypatch):
    loaded = settings_from({"CACHE_URL": "redis://127.0.0.1:6379/1"}, monkeypatch)
    cache = loaded["CACHES"]["default"]
    # Django's own Redis client, whatever else is installed.
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/1"
    assert loaded["SESSION_ENGINE"] == CACHED_DB


@pytest.mark.parametrize("url", ["locmemcache://", "filecache:///tmp/scr-cache", "dummycache://"])
def test_a_cache_of_one_process_or_machine_never_holds_the_sessions(monkeypatch, url):
    """A session ended in one process (signed out, ended from "Your sessions") would live
    on in another process's or machine's copy."""
    assert settings_from({"CACHE_URL": url}, monkeypatch)["SESSION_ENGINE"] == DB


def test_sign_in_lockouts_are_kept_in_the_database():
    from axes.conf import settings as axes_settings

    assert axes_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


@pytest.mark.django_db
def test_a_session_written_by_one_process_is_read_by_another():
    """Two session stores share nothing but the database, as two web processes do."""
    store: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    first = store()
    first["signed_in_at"] = 1.5
    first.create()
    caches["default"].clear()  # another process: nothing of this one's cache
    assert store(session_key=first.session_key).load() == {"signed_in_at": 1.5}
