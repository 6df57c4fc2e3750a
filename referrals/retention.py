"""The referral's part in deleting a case (scr.cases.retention): it protects its case
(Referral.case is PROTECT), so it goes first, with its event rows (those from before the
case opened name no case, so the case's cascade would miss them)."""

from collections import Counter

from django.contrib.contenttypes.models import ContentType

from referrals.models import Referral
from scr.cases import retention
from scr.cases.models import StatusEvent
from scr.cases.stages import Stage


def _clear(case) -> Counter[str]:
    referrals = Referral.objects.filter(case=case)
    deleted: Counter[str] = Counter()
    deleted.update(
        StatusEvent.objects.filter(
            subject_type=ContentType.objects.get_for_model(Referral),
            subject_id__in=referrals.values("pk"),
        ).delete()[1]
    )
    deleted.update(referrals.delete()[1])
    return deleted


retention.register(stage=Stage.REFERRAL_RECEIVED, clear=_clear)
