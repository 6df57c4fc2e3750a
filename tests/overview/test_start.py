"""Beginning the overview report (13.1): only once every review is accepted, copying
the accepted chronologies and families."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from overview import services
from overview.models import FamilyMember, Overview, OverviewEntry, OverviewSection
from scr.cases.models import Case
from scr.cases.stages import Stage

pytestmark = pytest.mark.django_db


def test_starting_copies_every_accepted_chronology_and_family(started, agency_a, agency_b):
    case = Case.objects.get(pk=started.case_id)
    assert case.stage == Stage.OVERVIEW_IN_PROGRESS
    assert OverviewEntry.objects.filter(overview=started).count() == 9
    assert set(
        OverviewEntry.objects.filter(overview=started, agency=agency_b).values_list(
            "date_precision", flat=True
        )
    ) == {"day", "month"}
    subject = FamilyMember.objects.get(overview=started, is_subject=True)
    assert subject.reports.count() == 3
    assert subject.address.startswith("12 Quarry Lane")
    daughters = FamilyMember.objects.filter(overview=started, is_subject=False)
    assert daughters.count() == 2  # merged only when the author confirms
    contributors = OverviewSection.objects.get(overview=started, key="contributors").text
    assert "Testshire NHS Trust: Individual Management Review by the Named Nurse" in contributors


def test_starting_needs_every_review_accepted(commissioned, coordinator, agency_a):
    from datetime import timedelta

    from imr import services as imr_services
    from scr.deadlines import calendar

    today = calendar.today()
    imr_services.imr_commission(
        case_id=commissioned.pk,
        by=coordinator,
        agency_ids=[agency_a.pk],
        chronology_due=today + timedelta(weeks=4),
        report_due=today + timedelta(weeks=10),
    )
    with pytest.raises(ValidationError, match="Waiting for: Testshire NHS Trust"):
        services.overview_start(case_id=commissioned.pk, by=coordinator)
    assert not Overview.objects.exists()
    assert Case.objects.get(pk=commissioned.pk).stage == Stage.IMRS_IN_PROGRESS


def test_only_the_coordinator_starts_the_overview(reviews_accepted, chair, overview_author):
    for person in (chair, overview_author):
        with pytest.raises(PermissionDenied):
            services.overview_start(case_id=reviews_accepted.pk, by=person)
    assert not Overview.objects.exists()
