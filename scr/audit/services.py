"""Writing to the audit trail. Every module records through audit_record(); the change
history of the written work goes through change_record()."""

import json
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connections, models, transaction
from django.http import HttpRequest
from python_ipware import IpWare

from scr.audit.models import AuditEvent, ChangeRecord

Action = AuditEvent.Action
Outcome = AuditEvent.Outcome

# Set on the request once a view has recorded its own refusal, so that
# scr.audit.middleware does not record the same refusal again.
DENIAL_RECORDED = "_audit_denial_recorded"
# (set, clear) per database: the flag that lets the statements of flush and retention
# past the triggers of migration 0003. A transaction-local setting on PostgreSQL, a row
# of a table without a model on SQLite: either goes with a rollback.
MAINTENANCE_FLAG = {
    "postgresql": (
        "SELECT set_config('scr.audit_maintenance', 'on', true)",
        "SELECT set_config('scr.audit_maintenance', 'off', true)",
    ),
    "sqlite": (
        "INSERT INTO audit_maintenance (since) VALUES (CURRENT_TIMESTAMP)",
        "DELETE FROM audit_maintenance",
    ),
}


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, by the rule django-axes follows (settings.py): with
    TRUSTED_PROXY_COUNT=0 the address that connected (REMOTE_ADDR); behind N proxies that
    each append the address they were reached from, the Nth address from the right of
    X-Forwarded-For. What stands left of it the client wrote itself. A header shorter
    than the proxies would make, or none: REMOTE_ADDR."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    # python-ipware counts the proxies named in the header: the last one is REMOTE_ADDR.
    resolver = IpWare(
        precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=proxies - 1, algorithm="modern"
    )
    address, _ = resolver.get_client_ip(request.META, strict=False)
    return str(address) if address is not None else remote


NOT_AN_ACCOUNT = "(not an account's email address)"


def typed_username(typed: str) -> str:
    """What a failed sign-in records of the email box: the address when it names an
    account, else a placeholder. Whatever else was typed (a password in the wrong box, a
    shape that happens to pass as an address) never reaches the trail."""
    typed = (typed or "").strip().lower()
    try:
        validate_email(typed)
    except ValidationError:
        return NOT_AN_ACCOUNT
    if not get_user_model().objects.filter(email__iexact=typed).exists():
        return NOT_AN_ACCOUNT
    return typed[:254]


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    label: str = "",
    detail: str = "",
    outcome: str = Outcome.SUCCESS,
    request: HttpRequest | None = None,
    actor_label: str = "",
    board=None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one row. `obj` names the object by type and id (or `object_type` and
    `object_id`, for an object not loaded); `label` is its public name (a case
    reference, a document kind), never its content."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if board is None:
        board = getattr(obj, "board", None) if obj is not None else None
        if board is None and actor is not None:
            board = actor.board
    if request is not None and action == Action.ACCESS_DENIED:
        setattr(request, DENIAL_RECORDED, True)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=(actor.email if actor is not None else actor_label)[:254],
        board=board,
        outcome=outcome,
        object_type=obj._meta.model_name if obj is not None else object_type[:50],
        object_id=str(obj.pk) if obj is not None else object_id[:50],
        object_label=(label or (str(obj) if obj is not None else ""))[:100],
        detail=detail[:200],
        ip_address=client_ip(request),
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bool | int):
        return str(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def change_record(
    *,
    obj: models.Model,
    by,
    board,
    case_id: int | None,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    label: str = "",
    agency=None,
) -> list[ChangeRecord]:
    """Append one ChangeRecord per field whose value differs between `before` and
    `after` (a field missing from one side was empty there: pass before={} for an
    object just made, after={} for one removed). Nothing for an unchanged save.
    `case_id`: the case whose retention deletes the records; `agency`: the agency whose
    people alone may read the object (an IMR)."""
    rows = []
    for field in sorted(set(before) | set(after)):
        if (field not in before and not after[field]) or (field not in after and not before[field]):
            continue  # an empty value (a box left unticked) of an object made or removed
        old, new = _text(before.get(field)), _text(after.get(field))
        if old != new:
            rows.append(
                ChangeRecord(
                    by=by,
                    board=board,
                    case_id=case_id,
                    agency=agency,
                    object_type=obj._meta.model_name,
                    object_id=str(obj.pk),
                    object_label=label[:100],
                    field=field[:100],
                    before=old,
                    after=new,
                )
            )
    return ChangeRecord.objects.bulk_create(rows)


def field_values(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` of `obj` as they stand, for change_record()."""
    return {field: getattr(obj, field) for field in fields}


def change_records_delete(*, case_id: int) -> int:
    """Delete the change records of a case whose content retention deletes
    (scr/cases/retention.py): they hold its content. The one deletion of them the
    database lets through (migration 0003): the flag is set around this statement alone.
    Returns how many went."""
    connection = connections[ChangeRecord.objects.db]
    flag = MAINTENANCE_FLAG.get(connection.vendor)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if flag:
            cursor.execute(flag[0])
        cursor.execute("DELETE FROM audit_changerecord WHERE case_id = %s", [case_id])
        deleted = cursor.rowcount
        if flag:
            cursor.execute(flag[1])
    return deleted
