"""The edit-conflict check every stage's drafts share: a save made from an older revision
than the one stored is refused, so two people never silently overwrite each other."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from scr.dates import day_text


class Conflict(ValidationError):
    """Someone saved this since the user opened it."""

    def __init__(self, *, by, at):
        when = f"{day_text(at)} at {timezone.localtime(at):%H:%M}" if at else "just now"
        who = by.full_name if by else "Someone"
        super().__init__(
            f"{who} changed this on {when}, after you opened it. Your text is kept below: "
            "compare it with theirs, then save again.",
            code="conflict",
        )
