"""The panel stage in the demo (fictional): records requests for the convened cases."""

from panel.models import RecordsRequest
from scr.accounts.roles import Role
from scr.demo.seed import register

AFTER_CONVENING = (
    "panel_convened",
    "panel_recommended",
    "review_commissioned",
    "imrs_in_progress",
    "overview_in_progress",
)


@register
def demo_records(world) -> None:
    chair = world.people[Role.BOARD_CHAIR]
    lead = world.people[Role.AGENCY_LEAD]
    for case in world.cases.values():
        if case.stage not in AFTER_CONVENING:
            continue
        for agency in case.agencies.all():
            records, created = RecordsRequest.objects.get_or_create(
                case=case,
                agency=agency,
                defaults={"requested_by": chair, "requested_at": case.created_at},
            )
            # Adult Social Care confirmed on the older cases; the others still wait.
            if created and agency == lead.agency and case.stage != "panel_convened":
                records.systems = "Case management system records; the area office paper file"
                records.chronology_started = True
                records.confirmed_by = lead
                records.confirmed_at = case.stage_changed_at
                records.save()
