"""The panel stage in the demo (fictional): records requests for the convened cases."""

from django.utils import timezone

from panel.models import RecordsRequest
from scr.accounts.roles import Role
from scr.demo.data import demo_data
from scr.demo.seed import reached, register

# The panel's invented prose (demo/panel.toml).
DATA = demo_data(__file__, "panel")

# Days after the panel was convened: its first meeting, and the records confirmed.
PANEL_MEETS = 2
RECORDS_CONFIRMED = 7

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
        # Asked for the day the panel was convened; Adult Social Care confirmed on the
        # older cases a week later, the others still wait.
        timeline = reached(case, "panel_convened")
        for agency in case.agencies.all():
            with timeline.on(0):
                records, created = RecordsRequest.objects.get_or_create(
                    case=case,
                    agency=agency,
                    defaults={"requested_by": chair, "requested_at": timezone.now()},
                )
            if created and agency == lead.agency and case.stage != "panel_convened":
                with timeline.on(RECORDS_CONFIRMED):
                    records.systems = DATA["records_systems"]
                    records.chronology_started = True
                    records.confirmed_by = lead
                    records.confirmed_at = timezone.now()
                    records.save()


TERMS = DATA["terms"]


@register
def demo_panel(world) -> None:
    """Panel members, considerations and terms of reference for the convened demo cases,
    and the recommendation for those past it."""
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
        # The members the day the panel was convened, its considerations and terms of
        # reference at its first meeting; the recommendation on the day it was recorded.
        convened = reached(case, "panel_convened")
        with convened.on(0):
            for user, kind in members:
                PanelMembership.objects.get_or_create(
                    case=case, user=user, defaults={"kind": kind, "added_by": panel_chair}
                )
        with convened.on(PANEL_MEETS):
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
            with reached(case, "panel_recommended").on(0):
                PanelRecommendation.objects.create(
                    case=case,
                    choice=PanelRecommendation.Choice.FULL_REVIEW,
                    reasons=DATA["recommendation_reasons"],
                    recorded_by=panel_chair,
                    recorded_at=timezone.now(),
                )
