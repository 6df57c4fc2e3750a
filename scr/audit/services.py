"""Writing to the audit trail. Every module records through audit_record()."""

from django.db import models
from django.http import HttpRequest

from scr.audit.models import AuditEvent

Action = AuditEvent.Action
Outcome = AuditEvent.Outcome


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
) -> AuditEvent:
    """Append one row. `obj` names the object by type and id; `label` is its public name
    (a case reference, a document kind), never its content."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if board is None:
        board = getattr(obj, "board", None) if obj is not None else None
        if board is None and actor is not None:
            board = actor.board
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=(actor.email if actor is not None else actor_label)[:254],
        board=board,
        outcome=outcome,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(label or (str(obj) if obj is not None else ""))[:100],
        detail=detail[:200],
        ip_address=client_ip(request),
    )
