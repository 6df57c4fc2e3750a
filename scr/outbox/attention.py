"""The outbox's entry in 'Needs your attention': emails of the board that have not gone
for a day (the mail server refuses them, or no worker runs). They are not dropped: the
sweep keeps trying; the coordinator should know, and can tell the people by other means."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from scr import access
from scr.attention import AttentionItem, register
from scr.outbox.models import Email

ATTENTION_AFTER = timedelta(days=1)


@register
def emails_not_sent(user):
    if not user.is_authenticated or not user.board_id or not access.is_coordinator(user):
        return
    # Unsent rows only, by status first: the indexes on (status, ...) find them without
    # reading the emails long sent.
    late = Email.objects.filter(
        status__in=(Email.Status.QUEUED, Email.Status.SENDING, Email.Status.FAILED),
        board_id=user.board_id,
        created_at__lt=timezone.now() - ATTENTION_AFTER,
    ).order_by("created_at")
    for email in late[:20]:
        yield AttentionItem(
            case_reference="Email",
            title=f"not sent since {timezone.localtime(email.created_at):%d/%m/%Y %H:%M}",
            url=reverse("cases:home"),
            hint=f"{email.subject} to {email.to} ({email.attempts} attempts; still trying)",
        )
