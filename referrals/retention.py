"""The referral's part in deleting a case (scr.cases.retention): it protects its case
(Referral.case is PROTECT), so it goes first, with its event rows (Referral.status_events:
those from before the case opened name no case, so the case's cascade would miss them)."""

from referrals.models import Referral
from scr.cases import retention
from scr.cases.stages import Stage


def _clear(case) -> dict[str, int]:
    return Referral.objects.filter(case=case).delete()[1]


retention.register(stage=Stage.REFERRAL_RECEIVED, clear=_clear)
