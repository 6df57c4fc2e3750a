"""The one way a status changes (STYLE.md 3).

Every status the procedure cares about is a django-fsm field declared `protected=True`
(so nothing can assign it) whose moves are the model's @transition methods. The case's
stage, a referral, an agency's review, the overview report, the executive summary, an
action plan, a piece of evidence, an extension and a chair's letter all change here and
nowhere else: the transition runs, the row is saved with `update_fields`, and one event
row (from, to, actor, time, note) and one audit row are written, in the caller's
transaction. Stage services check who may take the step and do the rest of the work
around it; tests/test_status_helper.py checks that no other code calls a transition.
"""

from contextvars import ContextVar
from datetime import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_init, post_save, pre_save
from django.utils import timezone
from django_fsm import FSMFieldMixin, can_proceed

from scr.audit.services import Action, audit_record
from scr.cases.models import Case, CaseEvent, StatusEvent


class StatusRefused(ValidationError):
    """The transition does not leave the subject's current status."""


def _transition(obj: models.Model, name: str):
    """The transition method `name` of `obj` and django-fsm's description of it.
    ValueError when `obj` has no such transition."""
    method = getattr(obj, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        model = obj if isinstance(obj, type) else type(obj)
        raise ValueError(f"Unknown transition: {model.__name__}.{name}")
    return method, meta


def transition_meta(obj: models.Model, name: str):
    """django-fsm's description of transition `name` from `obj`'s current status, or None
    when it does not leave it. ValueError when `obj` has no such transition."""
    _, meta = _transition(obj, name)
    return meta.get_transition(getattr(obj, meta.field.name))


def transition_custom(model: type[models.Model], name: str) -> dict:
    """The metadata (`custom`) declared with transition `name` of `model`, whatever the
    status it leaves from. ValueError when `model` has no such transition."""
    _, meta = _transition(model, name)
    return next(iter(meta.transitions.values())).custom


def may_move(obj: models.Model, name: str) -> bool:
    """Whether transition `name` leaves `obj`'s current status (its conditions included)
    and, for a case, whether the case's review type makes that move (type_allows)."""
    meta = transition_meta(obj, name)
    if meta is None or not can_proceed(getattr(obj, name)):
        return False
    return not isinstance(obj, Case) or type_allows(obj, meta.target)


def type_allows(case: Case, target: str) -> bool:
    """Whether the case's review type moves a case from its stage to `target`. The state
    machine holds the moves of every type (docs/review-types.md, slice 3); a case makes
    only its own type's, and this is the one place that says so: status_change refuses
    the others, and the pages offer only what may_move allows."""
    return case.review_type.allows(case.stage, target)


def moves_open(case: Case) -> list:
    """The case's transitions that leave its stage and that its review type makes."""
    return [t for t in case.get_available_stage_transitions() if type_allows(case, t.target)]


def status_change(
    obj: models.Model,
    name: str,
    *,
    by,
    note: str = "",
    at: datetime | None = None,
    fields: tuple[str, ...] | list[str] = (),
    detail: str = "",
    refused: str = "",
    case: Case | None = None,
    board=None,
):
    """Run transition `name` on `obj`, save its status (and `fields`, which the caller set
    with it), and write its event row and audit row. Returns the event row: a CaseEvent
    for the case's stage, a StatusEvent for anything else.

    `by` is the person who took the step (None for the service itself); `note` their
    reasons, kept on the event; `at` backdates the change (records of the past, such as
    demo data); `detail` adds words to the audit row; `refused` is the message when the
    step is not open from the current status. The caller holds the row lock and has
    checked that `by` may take the step."""
    method, meta = _transition(obj, name)
    field = meta.field.name
    from_status = getattr(obj, field)
    if not may_move(obj, name):
        raise StatusRefused(refused or _refused(obj, field, name))
    token = _in_helper.set(True)
    try:
        method()
        at = at or timezone.now()
        if isinstance(obj, Case):
            obj.stage_changed_at = at
            fields = (*fields, "stage_changed_at")
        obj.save(update_fields=list(dict.fromkeys((field, *fields))))
    finally:
        _in_helper.reset(token)
    to_status = getattr(obj, field)
    note = note.strip()
    if isinstance(obj, Case):
        event = CaseEvent.objects.create(
            case=obj,
            transition=name,
            from_stage=from_status,
            to_stage=to_status,
            actor=by,
            at=at,
            note=note,
        )
    else:
        case_id = case.pk if case is not None else getattr(obj, "case_id", None)
        event = StatusEvent.objects.create(
            case_id=case_id,
            subject_type=ContentType.objects.get_for_model(obj),
            subject_id=obj.pk,
            transition=name,
            from_status=from_status,
            to_status=to_status,
            actor=by,
            at=at,
            note=note,
        )
    audit = f"{from_status} -> {to_status}"
    audit_record(
        action=Action.TRANSITION,
        actor=by,
        obj=obj,
        board=board if board is not None else getattr(case, "board", None),
        detail=f"{audit}: {detail}" if detail else audit,
    )
    return event


def status_events(obj: models.Model):
    """The event rows of `obj`'s status, oldest first, with who took each step."""
    if isinstance(obj, Case):
        return obj.events.select_related("actor").order_by("at", "pk")
    return status_events_of(type(obj), [obj.pk])


def status_events_of(model: type[models.Model], ids) -> models.QuerySet:
    """The event rows of several objects of one model, oldest first, with who took each
    step (one query for a page that lists many)."""
    return StatusEvent.objects.filter(
        subject_type=ContentType.objects.get_for_model(model), subject_id__in=list(ids)
    ).select_related("actor")


def status_history(obj: models.Model) -> list:
    """status_events(obj) as a history page lists them (templates/includes/
    status_history.html): each row with `from_label` and `to_label`, the statuses in
    words."""
    return with_labels(list(status_events(obj)), type(obj))


def with_labels(events: list, model: type[models.Model]) -> list:
    """Event rows of `model`'s status read some other way (several objects' rows in one
    query), each given `from_label` and `to_label` as status_history gives them."""
    field = next(f for f in model._meta.concrete_fields if isinstance(f, FSMFieldMixin))
    words = dict(field.choices)
    for event in events:
        event.from_label = words.get(event.from_status, event.from_status)
        event.to_label = words.get(event.to_status, event.to_status)
    return events


def _refused(obj: models.Model, field: str, name: str) -> str:
    label = getattr(obj, f"get_{field}_display")()
    return f"This is ‘{label}’: it cannot {name.replace('_', ' ')} now."


# The watch on status writes ----------------------------------------------------------
# tests/conftest.py turns it on for the whole suite: any code that saves a status some
# other way than status_change (an assignment the FSM's protection missed, a copy of
# the row, a constructor given a later status) fails the test that ran it.

_in_helper: ContextVar[bool] = ContextVar("status_change", default=False)
_SEEN = "_status_seen"


class StatusWrittenOutsideHelper(AssertionError):
    pass


def status_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) whose status changes only here: the protected FSM fields."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, FSMFieldMixin) and field.protected
    ]


_WATCHED: dict[type[models.Model], str] = {}


def watch_status_writes() -> None:
    """Watch every protected status field (status_fields)."""
    for model, field in status_fields():
        _WATCHED[model] = field
        post_init.connect(_seen, sender=model, weak=False, dispatch_uid=f"status-init-{model}")
        post_save.connect(_seen, sender=model, weak=False, dispatch_uid=f"status-save-{model}")
        pre_save.connect(_check, sender=model, weak=False, dispatch_uid=f"status-check-{model}")


def _seen(sender, instance, **kwargs) -> None:
    field = _WATCHED[sender]
    if field in instance.__dict__:
        instance.__dict__[_SEEN] = instance.__dict__[field]


def _check(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    field = _WATCHED[sender]
    if raw or _in_helper.get() or field not in instance.__dict__:
        return
    if update_fields is not None and field not in update_fields:
        return
    value = instance.__dict__[field]
    if instance._state.adding:
        default = sender._meta.get_field(field).get_default()
        if value != default:
            raise StatusWrittenOutsideHelper(
                f"A new {sender.__name__} was saved at '{value}', not at '{default}': reach "
                "that status through its services (scr.cases.status.status_change)."
            )
        return
    if value == instance.__dict__.get(_SEEN):
        return
    stored = sender._base_manager.filter(pk=instance.pk).values_list(field, flat=True).first()
    if value != stored:
        raise StatusWrittenOutsideHelper(
            f"{sender.__name__} {instance.pk}'s {field} was written '{stored}' -> '{value}' "
            "outside scr.cases.status.status_change."
        )
