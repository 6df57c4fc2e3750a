"""The outbox's entry in 'Needs your attention': emails of the board that have not gone
for a day (the mail server refuses them, or no worker runs). They are not dropped: the
sweep keeps trying; the coordinator should know, and can tell the people by other means.
And, for a week, emails a worker handed to the mail server whole but died before its
answer: the server almost certainly has them (they are not sent again, which would make a
second copy), but only the recipient can confirm one arrived."""

from datetime import timedelta

from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from scr import access
from scr.attention import AttentionItem, register
from scr.dates import moment_text
from scr.outbox.models import Email

ATTENTION_AFTER = timedelta(days=1)
HANDED_SHOWN_FOR = timedelta(days=7)


@register
def emails_not_sent(user):
    if not user.is_authenticated or not user.board_id or not access.is_coordinator(user):
        return
    now = timezone.now()
    # One query: unsent rows by status first (the indexes on (status, ...) find them
    # without reading the emails long sent), and the week's handed ones.
    rows = Email.objects.filter(
        Q(
            status__in=(Email.Status.QUEUED, Email.Status.SENDING, Email.Status.FAILED),
            created_at__lt=now - ATTENTION_AFTER,
        )
        | Q(status=Email.Status.HANDED, sent_at__gte=now - HANDED_SHOWN_FOR),
        board_id=user.board_id,
    ).order_by(
        # The handed ones (rare: a worker died, or a server never answered) first, newest
        # first, so that a backlog of unsent emails cannot hide them; then the unsent,
        # oldest first.
        Case(When(status=Email.Status.HANDED, then=Value(0)), default=Value(1)),
        "-sent_at",
        "created_at",
    )
    for email in rows[:20]:
        if email.status == Email.Status.HANDED:
            yield AttentionItem(
                case_reference="Email",
                title=(
                    "handed to the mail server at "
                    f"{moment_text(email.sent_at)}, its answer not seen"
                ),
                url=reverse("cases:home"),
                hint=(
                    f"{email.subject} to {email.to}: the sending stopped at its last step, so "
                    "it was not sent again. Check with the recipient that it arrived."
                ),
            )
            continue
        yield AttentionItem(
            case_reference="Email",
            title=f"not sent since {moment_text(email.created_at)}",
            url=reverse("cases:home"),
            hint=f"{email.subject} to {email.to} ({email.attempts} attempts; still trying)",
        )
