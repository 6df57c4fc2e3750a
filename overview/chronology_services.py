"""The writes of the merged chronology (13.4 f): linking an entry as the same event as
another, and undoing that. What the merged chronology shows is overview/chronology.py."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from overview.models import Overview, OverviewEntry
from overview.services import overview_audit, writable_overview


def _entry(overview: Overview, entry_id) -> OverviewEntry:
    entry = (
        OverviewEntry.objects.select_for_update(of=("self",))
        .select_related("agency")
        .filter(overview=overview, pk=entry_id)
        .first()
    )
    if entry is None:
        raise ValidationError("That entry is not part of this overview report's chronology.")
    return entry


@transaction.atomic
def overview_entry_link(
    *, case_id: int | str, by, entry_id: int, same_as_id: int, now=None
) -> OverviewEntry:
    """Link an entry as the same event as another (13.4 f), so the merged chronology
    shows the event once with both agencies. Needs the author while the report is being
    written; both entries of this overview, of different agencies. A link to an entry
    that is itself linked goes to its primary, so there are no chains. Audited."""
    overview = writable_overview(by, case_id, "its chronology")
    entry = _entry(overview, entry_id)
    primary = _entry(overview, same_as_id)
    if primary.same_event_id is not None:
        primary = _entry(overview, primary.same_event_id)
    if primary.pk == entry.pk:
        raise ValidationError("An entry cannot be the same event as itself.")
    if entry.same_event_id is not None:
        raise ValidationError(
            "That entry is already shown as the same event as another: unlink it first."
        )
    if OverviewEntry.objects.filter(same_event=entry).exists():
        raise ValidationError(
            "Other entries are linked to that entry: link the other entry to it instead."
        )
    if entry.agency_id == primary.agency_id:
        raise ValidationError(
            f"Both entries were recorded by {entry.agency.name}: only entries of different "
            "agencies are linked as the same event."
        )
    entry.same_event = primary
    entry.linked_by = by
    entry.linked_at = now or timezone.now()
    entry.save(update_fields=["same_event", "linked_by", "linked_at"])
    overview_audit(
        overview, by, f"chronology entry {entry.pk} linked as the same event as {primary.pk}"
    )
    return entry


@transaction.atomic
def overview_entry_unlink(*, case_id: int | str, by, entry_id: int) -> OverviewEntry:
    """Show a linked entry as its own event again (13.4 f). Needs the author while the
    report is being written. Audited."""
    overview = writable_overview(by, case_id, "its chronology")
    entry = _entry(overview, entry_id)
    if entry.same_event_id is None:
        raise ValidationError("That entry is not linked to another.")
    primary_id = entry.same_event_id
    entry.same_event = None
    entry.linked_by = None
    entry.linked_at = None
    entry.save(update_fields=["same_event", "linked_by", "linked_at"])
    overview_audit(overview, by, f"chronology entry {entry.pk} unlinked from {primary_id}")
    return entry
