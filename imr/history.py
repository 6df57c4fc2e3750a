"""The course of an agency's review as its event rows (scr.cases.status): who moved it,
when, from what to what, with their reasons (the director's and the panel's comments),
each row tied to the version it concerns. The review's page, its versions and the
overview's list of reviews returned for revision read these rows."""

from imr.models import Imr
from scr.cases import status
from scr.cases.models import StatusEvent

SUBMITTED = ("submit_chronology", "submit_report")
RETURNED_BY_DIRECTOR = ("return_chronology", "return_report", "return_revision")


def imr_histories(imrs) -> dict[int, list[StatusEvent]]:
    """The event rows of each review of `imrs`, oldest first, each with its statuses in
    words and `version`: the number of the version the step concerns (None before the
    first submission). Versions are numbered in the order they are submitted, one
    submission each, so a review's k-th submission is version k and the decisions up to
    the next one are about it. One query."""
    ids = [imr.pk for imr in imrs]
    histories: dict[int, list[StatusEvent]] = {pk: [] for pk in ids}
    if not ids:
        return histories
    for event in status.with_labels(list(status.status_events_of(Imr, ids)), Imr):
        histories[event.subject_id].append(event)
    for history in histories.values():
        version = None
        for event in history:
            if event.transition in SUBMITTED:
                version = (version or 0) + 1
            event.version = version
            event.about = f"Version {version}" if version else ""
    return histories


def imr_history(imr: Imr, readable: set[int] | None = None) -> list[StatusEvent]:
    """The review's event rows (imr_histories). With `readable`, only the rows about those
    versions: a reader of the signed versions sees their course, not the draft's."""
    history = imr_histories([imr])[imr.pk]
    if readable is None:
        return history
    return [event for event in history if event.version in readable]


def returned_by_panel(imrs) -> list[StatusEvent]:
    """Appendix C: the versions the panel returned as not of sufficient quality, each
    event with its review (`imr`), by agency and version."""
    by_pk = {imr.pk: imr for imr in imrs}
    returned = [
        event
        for pk, history in imr_histories(list(by_pk.values())).items()
        for event in history
        if event.transition == "panel_return"
    ]
    for event in returned:
        event.imr = by_pk[event.subject_id]
    return sorted(returned, key=lambda event: (event.imr.agency.name, event.version or 0))
