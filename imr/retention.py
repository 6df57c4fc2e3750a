"""The IMR stage's part in deleting a case (scr.cases.retention): an IMR's submitted
versions and its section 12 concerns protect it (PROTECT), so they go first; the rest
of the IMR goes by the cascade from the case. The overview's rows that point at a
submitted version are cleared before these (a later stage clears first)."""

from collections import Counter

from imr.models import DisciplinaryConcern, ImrSubmission, InformationReplyFile
from scr.cases import retention
from scr.cases.stages import Stage


def _clear(case) -> Counter[str]:
    deleted: Counter[str] = Counter()
    deleted.update(DisciplinaryConcern.objects.filter(imr__case=case).delete()[1])
    deleted.update(ImrSubmission.objects.filter(imr__case=case).delete()[1])
    return deleted


def _files(case) -> list[str]:
    """The files sent with replies to the case's s45 requests (their rows go by the
    cascade)."""
    return list(
        InformationReplyFile.objects.filter(request__case=case).values_list(
            "stored_name", flat=True
        )
    )


retention.register(stage=Stage.IMRS_IN_PROGRESS, clear=_clear)
retention.register(files=_files)
