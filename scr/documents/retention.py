"""The rendered documents' part in deleting a case (scr.cases.retention): the rows go by
the cascade from the case; their PDFs are files to remove."""

from scr.cases import retention
from scr.documents.models import RenderedDocument


def _files(case) -> list[str]:
    return list(
        RenderedDocument.objects.filter(case=case)
        .exclude(file_name="")
        .values_list("file_name", flat=True)
    )


retention.register(files=_files)
