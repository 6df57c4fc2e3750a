"""Reminder services: the sweep that finds what is owed, and the hand-over to the outbox.

The database holds the truth, not the broker: the sweep writes one Reminder row per
(clock, step, recipient) under a unique constraint, then queues a task per row. The
task claims its row with a conditional update and, in the same transaction, writes the
email to the outbox (scr/outbox, unique per reminder) and marks the row sent: a
reminder is written once whatever the retries, duplicate beat ticks or workers, and
the outbox sends it once. A row whose task was lost (broker restarted, worker killed)
is queued again by the next sweep: never lost.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from scr import access
from scr.accounts.roles import Role, group_name
from scr.deadlines import calendar
from scr.deadlines.models import Deadline, Digest, Reminder
from scr.deadlines.steps import current_step, next_step_date
from scr.notify import notify_people
from scr.outbox import services as outbox

logger = logging.getLogger(__name__)

BATCH = 1000
# A claimed row not marked sent within this long belongs to a worker that died mid-send
# (a send is cut off long before: EMAIL_TIMEOUT and the tasks' time limit).
STALE_CLAIM = timedelta(minutes=30)
# A pending row not handed over within this long lost its task (a broker restarted, a
# worker killed): queue it again. The hand-over needs no mail server, so a task
# published this long ago has run unless it was lost; a second one would find the row
# taken. Shorter than the sweep's period, so the next sweep recovers what was lost.
REQUEUE_AFTER = timedelta(seconds=settings.DEADLINE_REQUEUE_SECONDS)
DIGEST_HORIZON_DAYS = 7


@dataclass
class SweepResult:
    reminders: list[int] = field(default_factory=list)
    digests: list[int] = field(default_factory=list)
    clocks_seen: int = 0

    @property
    def total(self) -> int:
        return len(self.reminders) + len(self.digests)


def _board_people(board_ids: set[int]) -> dict[tuple[int, Role], list]:
    """Active coordinators and chairs of these boards: one query."""
    names = {group_name(role): role for role in (Role.COORDINATOR, Role.BOARD_CHAIR)}
    people = defaultdict(list)
    rows = (
        get_user_model()
        .objects.filter(board_id__in=board_ids, is_active=True, groups__name__in=names)
        .values_list("pk", "board_id", "groups__name")
    )
    for pk, board_id, group in rows:
        people[(board_id, names[group])].append(pk)
    return people


def _recipients(deadline: Deadline, step, people) -> list[tuple[int, str]]:
    """(user id, reason) for one step, the owner first, nobody twice. An owner who chose
    the daily digest hears about their own clocks there instead."""
    board = deadline.case.board_id
    result: dict[int, str] = {}
    owner = deadline.owner
    if owner is not None and owner.is_active and not owner.reminder_digest:
        result[owner.pk] = Reminder.Reason.OWNER
    if step.to_coordinator or owner is None or not owner.is_active:
        for pk in people[(board, Role.COORDINATOR)]:
            result.setdefault(pk, Reminder.Reason.COORDINATOR)
    if step.to_chair:
        for pk in people[(board, Role.BOARD_CHAIR)]:
            result.setdefault(pk, Reminder.Reason.CHAIR)
    return list(result.items())


def _sweep_reminders(on: date) -> int:
    """Create the reminder rows owed on `on`, in batches of live clocks. Returns the
    number of clocks looked at. Each batch: one read, one people read, one insert,
    one update, whatever the number of clocks."""
    seen, last_pk = 0, 0
    created = timezone.now()
    while True:
        batch = list(
            Deadline.objects.filter(
                status__in=Deadline.LIVE, next_reminder_on__lte=on, pk__gt=last_pk
            )
            .select_related("case__board", "owner")
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return seen
        seen += len(batch)
        last_pk = batch[-1].pk
        people = _board_people({d.case.board_id for d in batch})
        rows = []
        for deadline in batch:
            offsets = deadline.case.board.reminder_days
            step = current_step(deadline.due, offsets, on)
            if step is not None:
                rows += [
                    Reminder(
                        deadline=deadline,
                        step=step.key,
                        recipient_id=pk,
                        reason=reason,
                        created_at=created,
                    )
                    for pk, reason in _recipients(deadline, step, people)
                ]
            deadline.next_reminder_on = next_step_date(deadline.due, offsets, on)
        # The unique constraint makes a second sweep of the same day a no-op.
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        Deadline.objects.bulk_update(batch, ["next_reminder_on"])


def _sweep_digests(on: date) -> None:
    """One digest row for today per user who chose the digest and owns a clock due
    within 7 days or overdue."""
    owners = (
        Deadline.objects.filter(
            status__in=Deadline.LIVE,
            due__lte=on + timedelta(days=DIGEST_HORIZON_DAYS),
            owner__reminder_digest=True,
            owner__is_active=True,
        )
        .values_list("owner_id", flat=True)
        .distinct()
    )
    Digest.objects.bulk_create(
        [Digest(recipient_id=pk, day=on) for pk in owners],
        ignore_conflicts=True,
    )


def _to_queue(model) -> list[int]:
    """Rows owed a task: new ones, ones whose task was lost, ones whose worker died.
    Uses the real clock, not the sweep's `at`: a sweep 'as at' another day must not make
    a send in progress look abandoned. Marks nothing queued: outbox.publish does, for
    the tasks the broker took."""
    now = timezone.now()
    stale = now - STALE_CLAIM
    model.objects.filter(status=Reminder.Status.SENDING, claimed_at__lt=stale).update(
        status=Reminder.Status.PENDING
    )
    return list(
        model.objects.filter(status=Reminder.Status.PENDING)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
        .values_list("pk", flat=True)
    )


def deadline_sweep(*, at: datetime | None = None, inline: bool = False) -> SweepResult:
    """Find every reminder and digest owed at `at` (now by default) and send them: by
    queuing one task per email after commit, or here and now with inline=True (for
    cron-only deployments and recovery). Safe to run any number of times."""
    now = at or timezone.now()
    on = calendar.local_date(now)
    result = SweepResult()
    with transaction.atomic():
        result.clocks_seen = _sweep_reminders(on)
        _sweep_digests(on)
        result.reminders = _to_queue(Reminder)
        result.digests = _to_queue(Digest)
    if inline:
        for pk in result.reminders:
            reminder_send(reminder_id=pk, now=now)
        for pk in result.digests:
            digest_send(digest_id=pk, now=now)
        # No worker may be running (cron-only): the outbox sends these here too.
        keys = [_key(Reminder, pk) for pk in result.reminders]
        outbox.emails_send_now(keys=keys + [_key(Digest, pk) for pk in result.digests])
    else:
        from scr.deadlines.tasks import digest_send_task, reminder_send_task

        # After commit, each row marked queued only once the broker has its task.
        publish = partial(outbox.publish, field="queued_at")
        transaction.on_commit(
            partial(publish, Reminder, reminder_send_task, "reminder_id", result.reminders)
        )
        transaction.on_commit(
            partial(publish, Digest, digest_send_task, "digest_id", result.digests)
        )
    return result


def _claim(model, pk: int) -> datetime | None:
    """Take the row for sending: the claim's time, or None if the row is sent or another
    worker holds it. One conditional UPDATE, so two workers never both win."""
    claim = timezone.now()
    won = model.objects.filter(pk=pk, status=Reminder.Status.PENDING).update(
        status=Reminder.Status.SENDING, claimed_at=claim, attempts=F("attempts") + 1
    )
    return claim if won else None


def _key(model, pk: int) -> str:
    return f"{model._meta.label_lower}:{pk}"


def _hand_over(model, pk: int, claim: datetime, **email) -> bool:
    """Write a claimed row's email to the outbox (keyed by the row: written once) and
    mark the row sent, in the caller's transaction, while the claim is still ours."""
    row = model.objects.get(pk=pk)
    notify_people(**email, key=_key(model, pk), about=row)
    model.objects.filter(pk=pk, status=Reminder.Status.SENDING, claimed_at=claim).update(
        status=Reminder.Status.SENT, sent_at=timezone.now()
    )
    return True


def _close_unsent(model, pk: int, claim: datetime) -> None:
    """Mark a claimed row done without sending: nothing is owed any more."""
    model.objects.filter(pk=pk, status=Reminder.Status.SENDING, claimed_at=claim).update(
        status=Reminder.Status.SENT, sent_at=timezone.now()
    )


def _clock_context(deadline: Deadline, on: date) -> dict:
    days = (deadline.due - on).days
    return {
        "reference": deadline.case.reference,
        "clock": deadline.label,
        "agency": deadline.agency.name if deadline.agency_id else "",
        "due": deadline.due,
        "days_left": days,
        "days_overdue": -days,
        "url": reverse("cases:case-detail", args=[deadline.case.reference]),
    }


def reminder_send(*, reminder_id: int, now: datetime | None = None) -> bool:
    """Hand one reminder to the outbox if nobody has. Needs nothing but the row; all in
    one transaction, so a worker that dies half way leaves the row pending."""
    now = now or timezone.now()
    with transaction.atomic():
        return _reminder_send(reminder_id, now)


def _reminder_send(reminder_id: int, now: datetime) -> bool:
    claim = _claim(Reminder, reminder_id)
    if claim is None:
        return False
    reminder = Reminder.objects.select_related(
        "deadline__case__board", "deadline__case__review_type", "deadline__agency", "recipient"
    ).get(pk=reminder_id)
    deadline = reminder.deadline
    context = {
        **_clock_context(deadline, calendar.local_date(now)),
        "board": deadline.case.board,
        "reason": reminder.reason,
        "live": deadline.is_live,
    }
    if not deadline.is_live:
        # Met or cancelled since the sweep: nothing to remind anyone of.
        _close_unsent(Reminder, reminder_id, claim)
        return False
    return _hand_over(
        Reminder,
        reminder_id,
        claim,
        template="deadline_reminder",
        recipients=[reminder.recipient],
        context=context,
    )


def digest_send(*, digest_id: int, now: datetime | None = None) -> bool:
    """Hand one user's daily digest to the outbox if nobody has: their clocks due within
    7 days or overdue. One transaction, as reminder_send."""
    now = now or timezone.now()
    with transaction.atomic():
        return _digest_send(digest_id, now)


def _digest_send(digest_id: int, now: datetime) -> bool:
    claim = _claim(Digest, digest_id)
    if claim is None:
        return False
    digest = Digest.objects.select_related("recipient__board").get(pk=digest_id)
    on = calendar.local_date(now)
    clocks = [
        _clock_context(d, on)
        for d in access.deadlines_visible_to(digest.recipient)
        .filter(
            owner=digest.recipient,
            status__in=Deadline.LIVE,
            due__lte=on + timedelta(days=DIGEST_HORIZON_DAYS),
        )
        .select_related("case__review_type", "agency")
        .order_by("due", "pk")
    ]
    if not clocks:
        _close_unsent(Digest, digest_id, claim)
        return False
    context = {"clocks": clocks, "day": on, "board": digest.recipient.board}
    return _hand_over(
        Digest,
        digest_id,
        claim,
        template="deadline_digest",
        recipients=[digest.recipient],
        context=context,
    )
