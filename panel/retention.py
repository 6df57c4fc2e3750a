"""The panel's part in deleting a case (scr.cases.retention): its rows go by the
cascade from the case; the papers of its meetings are files to remove."""

from panel.models import PanelMeetingAttachment
from scr.cases import retention


def _files(case) -> list[str]:
    return list(
        PanelMeetingAttachment.objects.filter(meeting__case=case).values_list(
            "stored_name", flat=True
        )
    )


retention.register(files=_files)
