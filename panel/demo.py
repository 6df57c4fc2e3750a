"""The panel stage in the demo (fictional): records requests for the convened cases."""

from panel.models import RecordsRequest
from scr.accounts.roles import Role
from scr.demo.data import demo_data
from scr.demo.seed import register

# The panel's invented prose (demo/panel.toml).
DATA = demo_data(__file__, "panel")

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
                records.systems = DATA["records_systems"]
                records.chronology_started = True
                records.confirmed_by = lead
                records.confirmed_at = case.stage_changed_at
                records.save()


TERMS = DATA["terms"]


@register
def demo_panel(world) -> None:
    """Panel members, considerations and terms of reference for the convened demo cases,
    and the recommendation for those past it."""
    from django.utils import timezone

    from panel.models import (
        PanelConsiderations,
        PanelMembership,
        PanelRecommendation,
        Term,
        TermsOfReference,
    )

    panel_chair = world.people[Role.PANEL_CHAIR]
    members = [
        (panel_chair, PanelMembership.Kind.REPRESENTATIVE),
        (world.people[Role.PANEL_MEMBER], PanelMembership.Kind.REPRESENTATIVE),
        (world.people[Role.AGENCY_LEAD], PanelMembership.Kind.REPRESENTATIVE),
    ]
    for case in world.cases.values():
        if case.stage not in AFTER_CONVENING or TermsOfReference.objects.filter(case=case).exists():
            continue
        for user, kind in members:
            PanelMembership.objects.get_or_create(
                case=case, user=user, defaults={"kind": kind, "added_by": panel_chair}
            )
        PanelConsiderations.objects.create(
            case=case,
            updated_by=panel_chair,
            **DATA["considerations"],
        )
        tor = TermsOfReference.objects.create(
            case=case, updated_by=panel_chair, final=case.stage != "panel_convened"
        )
        Term.objects.bulk_create(
            [Term(terms=tor, number=n, text=t) for n, t in enumerate(TERMS, 1)]
        )
        if case.stage != "panel_convened":
            PanelRecommendation.objects.create(
                case=case,
                choice=PanelRecommendation.Choice.FULL_REVIEW,
                reasons=DATA["recommendation_reasons"],
                recorded_by=panel_chair,
                recorded_at=timezone.now(),
            )
