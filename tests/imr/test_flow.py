"""The course of one IMR through the services: commissioning, nomination, the two
submissions, countersignature, the panel's return and acceptance, with clocks, emails
and audit rows."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from imr import services
from imr.models import Imr, ImrSubmission, Part
from scr.audit.models import AuditEvent
from scr.cases import status
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.deadlines.models import Deadline
from tests.imr.conftest import write_chronology, write_report


def test_commissioning_opens_two_clocks_per_agency_and_invites_the_leads(
    commissioned,
    coordinator,
    agency_a,
    agency_b,
    lead_a,
    lead_b,
    dates,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        services.imr_commission(
            case_id=commissioned.pk,
            by=coordinator,
            agency_ids=[agency_a.pk, agency_b.pk],
            chronology_due=dates[0],
            report_due=dates[1],
        )
    case = Case.objects.get(pk=commissioned.pk)
    assert case.stage == Stage.IMRS_IN_PROGRESS
    clocks = Deadline.objects.filter(case=case, agency=agency_a).order_by("kind")
    assert [(c.kind, c.due) for c in clocks] == [
        (Deadline.Kind.IMR_CHRONOLOGY, dates[0]),
        (Deadline.Kind.IMR_REPORT, dates[1]),
    ]
    # 10: the 6-week clock still runs until every agency has begun.
    assert Deadline.objects.get(case=case, kind=Deadline.Kind.IMRS_BEGIN).status == "open"
    invited = {m.to[0] for m in mail.outbox if "Management review asked" in m.subject}
    assert invited == {lead_a.email, lead_b.email}
    assert case.reference in mail.outbox[-1].body
    assert "Quenby" not in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("chronology", "report", "field"),
    [(0, 10, "chronology_due"), (20, 10, "report_due")],
)
def test_commissioning_refuses_dates_in_the_wrong_order(
    commissioned, coordinator, agency_a, chronology, report, field
):
    today = calendar.today()
    with pytest.raises(ValidationError) as error:
        services.imr_commission(
            case_id=commissioned.pk,
            by=coordinator,
            agency_ids=[agency_a.pk],
            chronology_due=today + timedelta(days=chronology),
            report_due=today + timedelta(days=report),
        )
    assert field in error.value.message_dict
    assert not Imr.objects.exists()


def test_only_the_coordinator_commissions(commissioned, chair, lead_a, agency_a, dates):
    for person in (chair, lead_a):
        with pytest.raises(PermissionDenied):
            services.imr_commission(
                case_id=commissioned.pk,
                by=person,
                agency_ids=[agency_a.pk],
                chronology_due=dates[0],
                report_due=dates[1],
            )


def test_the_lead_nominates_people_of_their_own_agency(
    asked, lead_a, author_b, director_a, author_a, agency_a
):
    from tests.imr.conftest import nominate

    with pytest.raises(ValidationError) as error:
        nominate(asked, lead_a, author_b, director_a) if False else services.imr_nominate(
            case_id=asked.pk,
            agency_id=agency_a.pk,
            by=lead_a,
            author=author_b,
            author_designation="x",
            author_suitability="y",
            author_independent=False,
            director=director_a,
            director_designation="z",
        )
    assert set(error.value.message_dict) == {"author", "author_independent"}
    imr = nominate(asked, lead_a, author_a, director_a)
    assert imr.status == Imr.Status.CHRONOLOGY
    clock = Deadline.objects.get(case=asked, agency=agency_a, kind=Deadline.Kind.IMR_CHRONOLOGY)
    assert clock.owner == author_a


def test_another_agencys_lead_cannot_see_to_nominate(asked, lead_b, author_a, director_a):
    from django.http import Http404

    from tests.imr.conftest import nominate

    with pytest.raises(Http404):
        nominate(asked, lead_b, author_a, director_a)


def test_the_whole_course_of_an_imr(
    imr_a,
    author_a,
    director_a,
    panel_chair,
    coordinator,
    agency_a,
    lead_a,
    django_capture_on_commit_callbacks,
):
    key = {"case_id": imr_a.case_id, "agency_id": agency_a.pk}
    write_chronology(imr_a, author_a)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.imr_submit(**key, by=author_a, part=Part.CHRONOLOGY)
    assert mail.outbox[-1].to == [director_a.email]
    assert Imr.objects.get(pk=imr_a.pk).status == Imr.Status.CHRONOLOGY_SIGN_OFF
    # The director returns it once, then signs the next version off.
    services.imr_director_return(**key, by=director_a, comments="Add the GP's letter of 14/03.")
    assert Imr.objects.get(pk=imr_a.pk).status == Imr.Status.CHRONOLOGY
    second = services.imr_submit(**key, by=author_a, part=Part.CHRONOLOGY)
    assert second.number == first.number + 1
    services.imr_countersign(**key, by=director_a)
    clock = Deadline.objects.get(
        case_id=imr_a.case_id, agency=agency_a, kind=Deadline.Kind.IMR_CHRONOLOGY
    )
    assert clock.status == Deadline.Status.MET
    write_report(imr_a, author_a)
    services.imr_submit(**key, by=author_a, part=Part.REPORT)
    services.imr_countersign(**key, by=director_a)
    assert Imr.objects.get(pk=imr_a.pk).status == Imr.Status.PANEL_REVIEW
    # The panel returns it for revision with a new date, then accepts the revision.
    due = calendar.today() + timedelta(weeks=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.imr_panel_review(
            **key,
            by=panel_chair,
            accept=False,
            comments="Analyse 11.3 f further.",
            revision_due=due,
        )
    returned = mail.outbox[-1]
    assert "Returned for revision" in returned.subject
    assert (
        Deadline.objects.live()
        .get(case_id=imr_a.case_id, agency=agency_a, kind=Deadline.Kind.IMR_REPORT)
        .due
        == due
    )
    services.imr_submit(**key, by=author_a, part=Part.REPORT)
    services.imr_countersign(**key, by=director_a)
    services.imr_panel_review(**key, by=panel_chair, accept=True)
    imr = Imr.objects.get(pk=imr_a.pk)
    assert imr.status == Imr.Status.ACCEPTED
    statuses = list(imr.submissions.values_list("part", "status"))
    assert statuses == [
        (Part.CHRONOLOGY, ImrSubmission.Status.RETURNED_BY_DIRECTOR),
        (Part.CHRONOLOGY, ImrSubmission.Status.COUNTERSIGNED),
        (Part.REPORT, ImrSubmission.Status.RETURNED_BY_PANEL),
        (Part.REPORT, ImrSubmission.Status.ACCEPTED),
    ]
    # One event row per step (scr.cases.status), with the director's and the panel's
    # comments, and one audit row each, saying the step in words.
    events = [(e.transition, e.actor, e.note) for e in status.status_events(imr)]
    assert events == [
        ("nominate", lead_a, ""),
        ("submit_chronology", author_a, ""),
        ("return_chronology", director_a, "Add the GP's letter of 14/03."),
        ("submit_chronology", author_a, ""),
        ("countersign_chronology", director_a, ""),
        ("submit_report", author_a, ""),
        ("countersign_report", director_a, ""),
        ("panel_return", panel_chair, "Analyse 11.3 f further."),
        ("submit_report", author_a, ""),
        ("countersign_report", director_a, ""),
        ("panel_accept", panel_chair, ""),
    ]
    audit = AuditEvent.objects.filter(object_type="imr", detail__contains="version")
    details = list(audit.order_by("pk").values_list("action", "detail"))
    assert len(details) == len(events) - 1
    assert {action for action, _ in details} == {AuditEvent.Action.TRANSITION}
    assert details[-4:] == [
        ("transition", "panel_review -> revision: version 3 returned"),
        ("transition", "revision -> report_sign_off: version 4 submitted (report)"),
        ("transition", "report_sign_off -> panel_review: version 4 countersigned"),
        ("transition", "panel_review -> accepted: version 4 accepted"),
    ]


def test_the_six_week_clock_is_met_when_every_agency_has_begun(
    asked, lead_a, lead_b, author_a, author_b, director_a, board, agency_b
):
    from tests.factories import UserFactory
    from tests.imr.conftest import nominate

    director_b = UserFactory(board=board, agency=agency_b, full_name="Dai Director-Beta")
    imr_a = nominate(asked, lead_a, author_a, director_a)
    imr_b = nominate(asked, lead_b, author_b, director_b)
    services.imr_appraisal_record(
        case_id=asked.pk, agency_id=imr_a.agency_id, by=author_a, needed=False
    )
    clock = Deadline.objects.get(case=asked, kind=Deadline.Kind.IMRS_BEGIN)
    assert clock.status == Deadline.Status.OPEN
    services.imr_appraisal_record(
        case_id=asked.pk, agency_id=imr_b.agency_id, by=author_b, needed=False
    )
    clock.refresh_from_db()
    assert clock.status == Deadline.Status.MET


def test_a_rapid_appraisal_that_needs_changes_tells_the_coordinator_and_chair(
    imr_a, author_a, coordinator, chair, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        services.imr_appraisal_record(
            case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=author_a, needed=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.imr_appraisal_record(
            case_id=imr_a.case_id,
            agency_id=imr_a.agency_id,
            by=author_a,
            needed=True,
            changes="Discharge checklists now include a safeguarding question.",
        )
    told = {m.to[0] for m in mail.outbox if "Immediate changes" in m.subject}
    assert told == {coordinator.email, chair.email}


def test_a_submitted_version_is_frozen(chronology_signed, author_a):
    from imr import draft_services
    from tests.imr.conftest import entry

    submission = chronology_signed.submissions.get()
    before = submission.content
    draft_services.chronology_entry_save(
        case_id=chronology_signed.case_id,
        agency_id=chronology_signed.agency_id,
        by=author_a,
        values=entry("20/04/25", "SW1 telephoned HQM."),
    )
    submission.refresh_from_db()
    assert submission.content == before
    assert len(before["chronology"]) == 3
    assert "Bertram" not in str(before)


def test_nothing_can_be_submitted_while_a_name_slips_in(imr_a, author_a):
    from imr import draft_services
    from tests.imr.conftest import entry

    write_chronology(imr_a, author_a)
    draft_services.chronology_entry_save(
        case_id=imr_a.case_id,
        agency_id=imr_a.agency_id,
        by=author_a,
        values=entry("21/04/25", "Bertram visited and found the house cold."),
    )
    with pytest.raises(ValidationError) as error:
        services.imr_submit(
            case_id=imr_a.case_id, agency_id=imr_a.agency_id, by=author_a, part=Part.CHRONOLOGY
        )
    assert "name check" in str(error.value)
    assert not ImrSubmission.objects.exists()
