"""Writing rows in bulk: COPY on PostgreSQL, bulk_create elsewhere; and the
models of the stage apps by label."""

import io
import json
import random
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import connection
from django.utils import timezone

from bench.scale.fiction import (
    BATCH,
)
from scr.deadlines import calendar


def _model(label: str):
    return apps.get_model(label)


def _at(day: date, rng: random.Random | None = None) -> datetime:
    minutes = rng.randint(0, 8 * 60) if rng else 0
    moment = datetime.combine(day, time(9, 0)) + timedelta(minutes=minutes)
    return timezone.make_aware(moment, calendar.LONDON)


def _tsv(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, list | dict):
        value = json.dumps(value)
    elif not isinstance(value, str):
        value = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _insert(model, names: list[str], rows: Iterable[tuple]) -> int:
    """Insert plain rows (values in the order of `names`, foreign keys as ids) without
    their ids back: COPY on PostgreSQL, bulk_create in batches elsewhere."""
    fields = [model._meta.get_field(name) for name in names]
    count = 0
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        buffer = io.StringIO()
        with connection.cursor() as cursor:
            for row in rows:
                buffer.write("\t".join(_tsv(v) for v in row))
                buffer.write("\n")
                count += 1
                if count % 50_000 == 0:
                    buffer.seek(0)
                    cursor.copy_expert(sql, buffer)
                    buffer = io.StringIO()
            buffer.seek(0)
            cursor.copy_expert(sql, buffer)
        return count
    attnames = [f.attname for f in fields]
    batch = []
    for row in rows:
        batch.append(model(**dict(zip(attnames, row, strict=True))))
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    model.objects.bulk_create(batch)
    return count + len(batch)


def _create(objects: list) -> list:
    """bulk_create that gives the ids back (PostgreSQL, and SQLite from 3.35)."""
    if objects:
        type(objects[0]).objects.bulk_create(objects, batch_size=BATCH)
    return objects
