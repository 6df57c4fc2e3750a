"""The overview's part in deleting a case (scr.cases.retention): its entries and family
reports protect the IMR versions they came from (PROTECT), so the overview goes before
the IMRs' versions, with everything of it. The executive summary goes by the cascade."""

from overview.models import Overview
from scr.cases import retention
from scr.cases.stages import Stage


def _clear(case) -> dict[str, int]:
    return Overview.objects.filter(case=case).delete()[1]


retention.register(stage=Stage.OVERVIEW_IN_PROGRESS, clear=_clear)
