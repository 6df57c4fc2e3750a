"""The embedded SQLite default (`make run`) under two people saving at once: with the
service's options both saves go through, one after the other; with SQLite's defaults
one of them failed at once with "database is locked" (a 500 in the service)."""

import contextlib
import sqlite3
import threading
import time

from django.db import OperationalError, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from scr import settings as service_settings
from tests.environment import settings_from

ALIAS = "sqlite_two_savers"


def _settings_dict(path, options) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": options,
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }


def _two_saves_at_once(path, options) -> list[Exception]:
    """Two threads each read a row, pause as a view does, then write: the pattern of a
    save with its clash check. Returns what went wrong."""
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE section (id INTEGER PRIMARY KEY, revision INTEGER)")
        setup.execute("INSERT INTO section VALUES (1, 0)")
    errors: list[Exception] = []
    both_reading = threading.Barrier(2, timeout=5)

    def save():
        connections[ALIAS] = DatabaseWrapper(_settings_dict(path, options), ALIAS)
        try:
            with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
                cursor.execute("SELECT revision FROM section WHERE id = 1")
                (revision,) = cursor.fetchone()
                # With the write lock taken at BEGIN, the other waits there instead.
                with contextlib.suppress(threading.BrokenBarrierError):
                    both_reading.wait(timeout=0.5)
                time.sleep(0.2)
                cursor.execute("UPDATE section SET revision = %s WHERE id = 1", [revision + 1])
        except OperationalError as error:
            errors.append(error)
        finally:
            connections[ALIAS].close()
            del connections[ALIAS]

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_two_saves_at_once_both_go_through_with_the_services_options(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        errors = _two_saves_at_once(tmp_path / "db.sqlite3", service_settings.SQLITE_OPTIONS)
    assert errors == []
    with sqlite3.connect(tmp_path / "db.sqlite3") as check:
        assert check.execute("SELECT revision FROM section").fetchone() == (2,)
        assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_with_sqlites_defaults_one_of_them_failed(tmp_path, django_db_blocker):
    """The same race without the options: shows the test can fail."""
    with django_db_blocker.unblock():
        errors = _two_saves_at_once(tmp_path / "db.sqlite3", {})
    assert len(errors) == 1 and "locked" in str(errors[0])


def test_the_embedded_database_gets_the_options_and_postgresql_does_not(monkeypatch, tmp_path):
    loaded = settings_from({}, monkeypatch, unset=["DATABASE_URL"])
    options = loaded["DATABASES"]["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    loaded = settings_from({"DATABASE_URL": "postgres://u@127.0.0.1/x"}, monkeypatch)
    assert "transaction_mode" not in loaded["DATABASES"]["default"].get("OPTIONS", {})
