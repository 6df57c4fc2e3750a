"""The action plans' part in deleting a case (scr.cases.retention): a plan protects its
chair's letter and its actions the overview's recommendations (PROTECT), so the plans go
first, with their actions, updates and evidence; the evidence files are removed."""

from actionplans.models import ActionPlan, Evidence
from scr.cases import retention
from scr.cases.stages import Stage


def _files(case) -> list[str]:
    return list(
        Evidence.objects.filter(action__plan__case=case).values_list("stored_name", flat=True)
    )


def _clear(case) -> dict[str, int]:
    return ActionPlan.objects.filter(case=case).delete()[1]


retention.register(stage=Stage.ACTION_PLANS, files=_files, clear=_clear)
