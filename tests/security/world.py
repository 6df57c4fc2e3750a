"""One world for the security tests: two boards, each with every persona and three cases.

Built through the services, as people would build it (STYLE.md 8), reusing the helpers
of tests/imr/conftest.py and tests/overview/conftest.py:

- the main case, referred, screened by the panel, with agencies A's and C's reviews
  accepted, the overview received, the executive summary approved and the action plans
  begun: a panel meeting with its paper, the chair's letters (one sent, one draft),
  Adult Social Care's plan accepted with an action, a progress update and evidence
  waiting, a request for more time, a family member on the summary's list of copies;
- the drafting case, whose management reviews are being written: agency A's
  chronology is signed off (version 1) and its draft goes on; agency B's is begun;
- the review case, whose two reviews are accepted and whose overview report is being
  written.

Board A ('Alphaton', prefix SCR) and board B ('Otherton', prefix OTH) are built the
same way. Every name carries its board's ("Cora Ordinator Alphaton"), so that the
personas of tests/conftest.py ("Cora Ordinator" of 'Testshire') never meet the world.
Markers (unique strings no page may show to the wrong person) sit in agency A's draft
on board A, after its signed version, and in board B's referral and case.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from actionplans import implementation_services as implementation
from actionplans import services as plans
from actionplans.models import ActionPlan, ChairLetter
from imr import draft_services, s45_services
from imr import services as imr_services
from imr.demo import write_section
from imr.models import Imr, ImrRevision, Part, Section
from overview import services as overview_services
from overview import summary_services as summaries
from overview.models import ExecutiveSummary, FamilyMember, Overview, OverviewEntry
from panel import services as panel
from panel.models import PanelMembership
from referrals import services as referrals
from scr import uploads
from scr.accounts.models import Agency
from scr.accounts.roles import Role, group_name
from scr.cases import services as case_services
from scr.cases.models import Case
from scr.deadlines import calendar
from scr.deadlines import services as deadlines
from scr.deadlines.models import CalendarFeed, Deadline
from scr.documents import tasks as document_tasks
from tests import scenarios
from tests.conftest import _person
from tests.factories import AgencyFactory, BoardFactory
from tests.files import PDF
from tests.imr.conftest import entry, nominate, write_chronology
from tests.overview.conftest import (
    CHRONOLOGIES,
    CLEAN_SUMMARY,
    DAUGHTER,
    accept_review,
    receive,
    write_overview,
)

# Seeded in agency A's draft on board A, after its chronology was signed off: only the
# agency's own people (author, director, lead) may ever read them.
DRAFT_MARKER = "MARKERX1Q7"
# Board B's referral and case: nobody on board A may ever read them.
BOARD_B_MARKER = "MARKERB8Z3"
# What board A's SAR asked agency A under s45, and its reply: only the coordinator, the
# chair and agency A's lead may ever read them.
S45_MARKER = "MARKERS45A"


# (key, full name, board-wide roles, agency letter): the personas of tests/conftest.py
# and the other agencies' people of tests/overview/conftest.py, under their board's name.
PEOPLE = [
    ("coordinator", "Cora Ordinator", [Role.COORDINATOR], None),
    ("chair", "Chas Chairman", [Role.BOARD_CHAIR], None),
    ("panel_chair", "Pam Chairwoman", [], "b"),
    ("panel_member", "Pat Member", [], "c"),
    ("lead_a", "Lee Lead-Alpha", [Role.AGENCY_LEAD], "a"),
    ("lead_b", "Lou Lead-Beta", [Role.AGENCY_LEAD], "b"),
    ("lead_c", "Leah Carewell", [Role.AGENCY_LEAD], "c"),
    ("author_a", "Ada Author-Alpha", [], "a"),
    ("author_b", "Ben Author-Beta", [], "b"),
    ("author_c", "Aled Carewell", [], "c"),
    ("director_a", "Dora Director", [], "a"),
    ("director_b", "Dara Constabulary", [], "b"),
    ("director_c", "Dilys Carewell", [], "c"),
    ("overview_author", "Otto Overview", [], None),
    ("board_member", "Bea Member", [Role.BOARD_MEMBER], None),
    ("referrer", "Rita Referrer", [Role.REFERRER], "b"),
    ("outsider", "Olly Outsider", [], None),
]


@dataclass
class BoardWorld:
    board: object
    agencies: dict[str, Agency]
    people: dict[str, object]
    case: Case = None  # the main case, at the action plans
    draft_case: Case = None  # the reviews being written
    review_case: Case = None  # the overview report being written
    objects: dict[str, object] = field(default_factory=dict)


@dataclass
class World:
    a: BoardWorld
    b: BoardWorld
    emails: list = field(default_factory=list)  # sent while it was built


def _board(name: str, prefix: str, suffix: str) -> BoardWorld:
    board = BoardFactory(name=name, reference_prefix=prefix)
    agencies = {
        "a": AgencyFactory(board=board, name=f"Testshire NHS Trust{suffix}", kind=Agency.Kind.NHS),
        "b": AgencyFactory(board=board, name=f"Testshire Police{suffix}", kind=Agency.Kind.POLICE),
        "c": AgencyFactory(
            board=board,
            name=f"Testshire Adult Social Care{suffix}",
            kind=Agency.Kind.ADULT_SOCIAL_CARE,
        ),
    }
    people = {
        key: _person(board, name + suffix, roles, agencies.get(letter) if letter else None)
        for key, name, roles, letter in PEOPLE
    }
    return BoardWorld(board=board, agencies=agencies, people=people)


def _checked(name: str):
    return uploads.check_upload(SimpleUploadedFile(name, PDF))


def _main_case(w: BoardWorld, *, subject: str, what_happened: str) -> None:
    p, ag, today = w.people, w.agencies, calendar.today()
    # 4, 5: the referral, endorsed by the referrer's agency lead, opens the case.
    referral = referrals.referral_start(by=p["referrer"])
    referrals.referral_save(
        referral_id=referral.pk,
        by=p["referrer"],
        data={
            "subject_name": subject,
            "subject_died": True,
            "subject_date_of_death": today - timedelta(days=60),
            "what_happened": what_happened,
            "abuse_or_neglect": "suspected",
            "believes_3_1": True,
        },
        agencies=[ag["a"], ag["c"]],
    )
    referrals.referral_submit(referral_id=referral.pk, by=p["referrer"])
    referral = referrals.referral_endorse(referral_id=referral.pk, by=p["lead_b"])
    case = referral.case
    # 5, 6, 8: the panel.
    panel.chair_decision_record(
        case_id=case.pk,
        by=p["chair"],
        decision=panel.Decision.PANEL,
        reasons="The criteria may be met.",
        panel_chair=p["panel_chair"],
    )
    panel.panel_member_add(
        case_id=case.pk,
        by=p["panel_chair"],
        user=p["panel_member"],
        kind=PanelMembership.Kind.REPRESENTATIVE,
    )
    case_services.case_assign(
        case_id=case.pk, user=p["overview_author"], role=Role.OVERVIEW_AUTHOR, by=p["coordinator"]
    )
    meeting = panel.panel_meeting_record(
        case_id=case.pk,
        by=p["panel_chair"],
        held_on=today,
        attendees=[p["panel_chair"], p["panel_member"]],
        notes="The panel met.",
        papers=[_checked("agenda.pdf")],
        # For everyone who sees the case in full (the matrix's row); a paper for the panel
        # only is tested in tests/panel/test_meeting_papers.py.
        papers_panel_only=False,
    )
    panel.media_statement_record(
        case_id=case.pk, by=p["chair"], text="The board is reviewing a case.", agreed_on=today
    )
    panel.panel_considerations_save(
        case_id=case.pk, by=p["panel_chair"], data={"scope": "Two years before her death."}
    )
    panel.terms_of_reference_save(
        case_id=case.pk,
        by=p["panel_chair"],
        terms=["How agencies shared information.", "Whether her wishes were heard."],
    )
    panel.panel_recommendation_record(
        case_id=case.pk, by=p["panel_chair"], choice="full_review", reasons="3.1 met."
    )
    panel.chair_decision_record(
        case_id=case.pk, by=p["chair"], decision=panel.Decision.REVIEW, reasons="Agreed."
    )
    # 10 to 12: the reviews, accepted.
    imr_services.imr_commission(
        case_id=case.pk,
        by=p["coordinator"],
        agency_ids=[ag["a"].pk, ag["c"].pk],
        chronology_due=today + timedelta(weeks=4),
        report_due=today + timedelta(weeks=10),
    )
    # Agency B's review is on the drafting case: two accepted reviews are enough here.
    teams = {"a": [DAUGHTER], "c": [{**DAUGHTER, "id": "p9", "name": "rosalind  quenby"}]}
    for letter, people in teams.items():
        imr = nominate(case, p[f"lead_{letter}"], p[f"author_{letter}"], p[f"director_{letter}"])
        accept_review(
            imr,
            p[f"author_{letter}"],
            p[f"director_{letter}"],
            p["panel_chair"],
            CHRONOLOGIES[letter],
            people,
        )
    # 13, 14: the overview, received.
    overview = overview_services.overview_start(case_id=case.pk, by=p["coordinator"])
    write_overview(overview, p["overview_author"])
    overview_services.overview_submit(case_id=case.pk, by=p["overview_author"])
    receive(Overview.objects.get(pk=overview.pk), p["coordinator"])
    # 15: the executive summary, approved, with a family member to receive a copy.
    summaries.summary_start(case_id=case.pk, by=p["overview_author"])
    summary = ExecutiveSummary.objects.get(case=case)
    summaries.summary_save(
        case_id=case.pk, by=p["overview_author"], revision=summary.revision, **CLEAN_SUMMARY
    )
    summaries.summary_send_to_panel(case_id=case.pk, by=p["overview_author"])
    summaries.summary_panel_decide(case_id=case.pk, by=p["panel_chair"], agree=True)
    recipient = summaries.summary_recipient_add(
        case_id=case.pk, by=p["coordinator"], name="Rosalind Quenby", email="rq@example.org"
    )
    summaries.summary_approve(
        case_id=case.pk,
        by=p["chair"],
        criminal_proceedings="None.",
        release_date=today.replace(year=today.year + 1),
    )
    # 16: the chair's letters; Adult Social Care's plan accepted and under way.
    plans.letters_draft(case_id=case.pk, by=p["chair"])
    sent = ChairLetter.objects.get(case=case, agency=ag["c"])
    draft_letter = ChairLetter.objects.get(case=case, agency__isnull=True)
    plan = plans.letter_send(case_id=case.pk, by=p["chair"], letter_id=sent.pk)
    key = {"case_id": case.pk, "by": p["lead_c"], "plan_id": plan.pk}
    plans.plan_contacts_save(
        **key, lead={"name": "Leah Carewell", "email": "lc@example.org"}, named={}, revision=None
    )
    recommendation = plan.letter.recommendations.get()
    plans.plan_action_save(
        **key,
        recommendation_id=recommendation.pk,
        values=plans.ActionValues(
            text="Deliver training on sharing visit outcomes to every team.",
            evidence="Training attendance records",
            outcome="Outcomes shared within a week in 9 of 10 audited visits.",
            target_date=today + timedelta(days=90),
        ),
    )
    plans.plan_submit(**key)
    plans.plan_decide(case_id=case.pk, by=p["coordinator"], plan_id=plan.pk, accept=True)
    action = plan.actions.get()
    implementation.action_update_add(
        **key, action_id=action.pk, text="Two teams trained.", progress="in_progress"
    )
    evidence = implementation.evidence_upload(
        **key,
        action_id=action.pk,
        description="Attendance records.",
        upload=SimpleUploadedFile("attendance.pdf", PDF),
    )
    clock = Deadline.objects.get(kind=Deadline.Kind.ACTION_TARGET, subject=f"action:{action.pk}")
    extension = deadlines.extension_request(
        deadline_id=clock.pk,
        by=p["lead_c"],
        requested_due=clock.due + timedelta(days=30),
        reason="Training dates moved.",
    )
    feed_token, _ = deadlines.calendar_feed_create(user=p["coordinator"])
    # A second referral, still the referrer's draft.
    draft_referral = referrals.referral_start(by=p["referrer"])
    referrals.referral_save(
        referral_id=draft_referral.pk,
        by=p["referrer"],
        data={"subject_name": subject, "what_happened": what_happened},
        agencies=[ag["a"]],
    )
    w.case = Case.objects.get(pk=case.pk)
    w.objects.update(
        referral=referral,
        draft_referral=draft_referral,
        attachment=meeting.attachments.get(),
        received_overview=Overview.objects.get(pk=overview.pk),
        recipient=recipient,
        plan=ActionPlan.objects.get(pk=plan.pk),
        recommendation=recommendation,
        action=action,
        evidence=evidence,
        sent_letter=sent,
        draft_letter=draft_letter,
        clock=clock,
        extension=extension,
        feed=CalendarFeed.objects.get(user=p["coordinator"]),
        feed_token=feed_token,
    )


def _drafting_case(w: BoardWorld, *, marker: str) -> None:
    p, ag, today = w.people, w.agencies, calendar.today()
    # 4, 5: referred by the referrer (agency B), endorsed by agency B's lead.
    case = scenarios.referred(
        referrer=p["referrer"],
        lead=p["lead_b"],
        subject_name="Ivy Pennant",
        agencies=[ag["a"], ag["b"]],
    )
    panel.chair_decision_record(
        case_id=case.pk,
        by=p["chair"],
        decision=panel.Decision.PANEL,
        reasons="The criteria may be met.",
        panel_chair=p["panel_chair"],
    )
    case_services.case_assign(
        case_id=case.pk, user=p["panel_member"], role=Role.PANEL_MEMBER, by=p["coordinator"]
    )
    case_services.case_assign(
        case_id=case.pk, user=p["overview_author"], role=Role.OVERVIEW_AUTHOR, by=p["coordinator"]
    )
    panel.terms_of_reference_save(
        case_id=case.pk,
        by=p["panel_chair"],
        terms=["How agencies shared information.", "Whether her wishes were heard."],
    )
    panel.panel_recommendation_record(
        case_id=case.pk, by=p["panel_chair"], choice="full_review", reasons="3.1 met."
    )
    panel.chair_decision_record(
        case_id=case.pk, by=p["chair"], decision=panel.Decision.REVIEW, reasons="Agreed."
    )
    imr_services.imr_commission(
        case_id=case.pk,
        by=p["coordinator"],
        agency_ids=[ag["a"].pk, ag["b"].pk],
        chronology_due=today + timedelta(weeks=4),
        report_due=today + timedelta(weeks=10),
    )
    imr_a = nominate(case, p["lead_a"], p["author_a"], p["director_a"])
    imr_b = nominate(case, p["lead_b"], p["author_b"], p["director_b"])
    # Agency A's chronology, signed off: version 1, which the board's readers may read.
    write_chronology(imr_a, p["author_a"])
    key = {"case_id": case.pk, "agency_id": ag["a"].pk}
    imr_services.imr_submit(**key, by=p["author_a"], part=Part.CHRONOLOGY)
    imr_services.imr_countersign(**key, by=p["director_a"])
    # Then the draft goes on: what follows is the agency's alone.
    author = {**key, "by": p["author_a"]}
    marked_entry = draft_services.chronology_entry_save(
        **author, values=entry("20/04/25", f"SW1 noted {marker} at the home visit.")
    )
    draft_services.imr_section_item_save(
        **author,
        section=Section.FAMILY,
        data={"relationship": "child", "relationship_detail": "Son", "name": f"Tobias {marker}"},
        item_id="pm1",
    )
    write_section(
        **author,
        section=Section.LESSONS,
        content={"practice": f"Lessons about {marker}."},
    )
    write_section(
        **author,
        section=Section.ACTION_PLAN,
        content={"recommendations": [{"id": "rm1", "text": f"Recommend {marker}.", "actions": []}]},
    )
    draft_services.glossary_entry_save(
        **author, kind="abbreviation", code="MKR", meaning=f"Meaning {marker}"
    )
    imr_services.imr_concern_record(**author, text="Supervision may need to be reviewed.")
    # Agency B's review is begun too.
    draft_services.chronology_entry_save(
        case_id=case.pk,
        agency_id=ag["b"].pk,
        by=p["author_b"],
        values=entry("05/05/25", "PC1 attended the home."),
    )
    TOTPDevice.objects.create(user=p["outsider"], name="Authenticator app")
    w.draft_case = Case.objects.get(pk=case.pk)
    w.objects.update(
        imr_a=Imr.objects.get(pk=imr_a.pk),
        imr_b=Imr.objects.get(pk=imr_b.pk),
        marked_entry=marked_entry,
        revision=ImrRevision.objects.filter(imr=imr_a).order_by("-pk").first(),
        entry_b=imr_b.entries.get(),
    )


def _review_case(w: BoardWorld) -> None:
    """A case whose two reviews are accepted and whose overview report is being written,
    so that its author's pages are open."""
    p, ag, today = w.people, w.agencies, calendar.today()
    # 4, 5: referred by agency A's lead, which sends it straight to the chair (agency B,
    # the referrer's, stays off this case).
    case = scenarios.referred(
        referrer=p["lead_a"],
        lead=p["lead_a"],
        subject_name="Agatha Rowntree",
        agencies=[ag["a"], ag["c"]],
    )
    panel.chair_decision_record(
        case_id=case.pk,
        by=p["chair"],
        decision=panel.Decision.PANEL,
        reasons="The criteria may be met.",
        panel_chair=p["panel_chair"],
    )
    for user, role in (
        (p["panel_member"], Role.PANEL_MEMBER),
        (p["overview_author"], Role.OVERVIEW_AUTHOR),
    ):
        case_services.case_assign(case_id=case.pk, user=user, role=role, by=p["coordinator"])
    panel.terms_of_reference_save(
        case_id=case.pk,
        by=p["panel_chair"],
        terms=["How agencies shared information.", "Whether her wishes were heard."],
    )
    panel.panel_recommendation_record(
        case_id=case.pk, by=p["panel_chair"], choice="full_review", reasons="3.1 met."
    )
    panel.chair_decision_record(
        case_id=case.pk, by=p["chair"], decision=panel.Decision.REVIEW, reasons="Agreed."
    )
    imr_services.imr_commission(
        case_id=case.pk,
        by=p["coordinator"],
        agency_ids=[ag["a"].pk, ag["c"].pk],
        chronology_due=today + timedelta(weeks=4),
        report_due=today + timedelta(weeks=10),
    )
    teams = {"a": [DAUGHTER], "c": [{**DAUGHTER, "id": "p9", "name": "rosalind  quenby"}]}
    for letter, people in teams.items():
        imr = nominate(case, p[f"lead_{letter}"], p[f"author_{letter}"], p[f"director_{letter}"])
        accept_review(
            imr,
            p[f"author_{letter}"],
            p[f"director_{letter}"],
            p["panel_chair"],
            CHRONOLOGIES[letter],
            people,
        )
    overview = overview_services.overview_start(case_id=case.pk, by=p["coordinator"])
    write_overview(overview, p["overview_author"])
    entries = OverviewEntry.objects.filter(overview=overview).order_by("pk")
    members = FamilyMember.objects.filter(overview=overview).order_by("pk")
    w.review_case = Case.objects.get(pk=case.pk)
    w.objects.update(
        overview=overview,
        finding=overview.findings.get(),
        overview_recommendation=overview.recommendations.order_by("pk").first(),
        # Of two agencies, for linking as one event; two relatives, for merging.
        overview_entry=entries.filter(agency=ag["a"]).first(),
        other_entry=entries.filter(agency=ag["c"]).first(),
        family_member=members.filter(is_subject=False).first(),
        other_member=members.filter(is_subject=False).last(),
    )


def _sar_case(w: BoardWorld, *, marker: str) -> None:
    """A Safeguarding Adults Review, decided on its referral, with two requests for
    information made of agency A under s45: one answered (its words and file carry the
    marker), one waiting."""
    p, ag = w.people, w.agencies
    board = w.board
    board.default_review_type = "sar"
    board.save(update_fields=["default_review_type"])
    case = scenarios.referred(
        referrer=p["referrer"],
        lead=p["lead_b"],
        subject_name="Tobias Wren-Hollis",
        agencies=[ag["c"]],
        care_and_support_needs="yes",
        concern_working_together=True,
    )
    board.default_review_type = "scr-2009"
    board.save(update_fields=["default_review_type"])
    panel.chair_decision_record(
        case_id=case.pk,
        by=p["chair"],
        decision=panel.Decision.REVIEW,
        reasons="Mandatory under s44(2).",
        basis="mandatory",
    )
    answered = s45_services.s45_request_send(
        case_id=case.pk,
        by=p["coordinator"],
        agency_id=ag["a"].pk,
        asked=f"Her discharge records ({marker}).",
    )
    s45_services.s45_reply_record(
        case_id=case.pk,
        request_id=answered.pk,
        by=p["lead_a"],
        reply=f"Discharged without a care plan ({marker}).",
        upload=SimpleUploadedFile("discharge.pdf", PDF),
    )
    waiting = s45_services.s45_request_send(
        case_id=case.pk,
        by=p["coordinator"],
        agency_id=ag["a"].pk,
        asked=f"Her ward notes ({marker}).",
    )
    w.objects.update(
        sar_case=Case.objects.get(pk=case.pk),
        s45_answered=answered,
        s45_waiting=waiting,
        s45_file=answered.files.get(),
    )


def build_world() -> World:
    """Both boards. The PDFs a countersignature asks for are left queued: laying out
    twenty of them takes longer than every other step, and the tests that read PDFs
    run the worker's step themselves (tests/security/test_markers.py)."""
    with mock.patch.object(document_tasks.document_render_task, "delay"):
        return _build()


def _build() -> World:
    a = _board("Alphaton Safeguarding Adults Board", "SCR", " Alphaton")
    b = _board("Otherton Safeguarding Adults Board", "OTH", " Otherton")
    _main_case(
        a, subject="Hypatia Quenby-Marsh", what_happened="Missed care visits were not acted on."
    )
    _drafting_case(a, marker=DRAFT_MARKER)
    _review_case(a)
    _sar_case(a, marker=S45_MARKER)
    _main_case(
        b,
        subject=f"Winifred {BOARD_B_MARKER}",
        what_happened=f"Falls at home ({BOARD_B_MARKER}) were not followed up.",
    )
    _drafting_case(b, marker="MARKERB8Z3DRAFT")
    _review_case(b)
    _sar_case(b, marker="MARKERB8Z3S45")
    return World(a=a, b=b)


# Where each URL of the project points in a board's world: the kwargs to reverse it
# with, and a query string where the page needs one. Every URL name of the project has
# an entry (tests/security/test_access_matrix.py holds the list to that).


def url_targets(w: BoardWorld) -> dict[str, tuple[dict, str]]:
    o, ag = w.objects, w.agencies
    main = {"reference": w.case.reference}
    drafting_case = {"reference": w.draft_case.reference}
    review = {"reference": w.review_case.reference}
    sar = {"reference": o["sar_case"].reference}
    imr = {**drafting_case, "agency_id": ag["a"].pk}
    plan = {**main, "plan_id": o["plan"].pk}
    action = {**plan, "action_id": o["action"].pk}
    targets: dict[str, tuple[dict, str]] = {
        "cases:home": ({}, ""),
        "cases:case-list": ({}, ""),
        "cases:case-detail": (main, ""),
        "cases:case-document": ({**main, "kind": "case-summary"}, ""),
        "panel:chair-decision": (main, ""),
        "panel:meeting-new": (main, ""),
        "panel:attachment": ({**main, "attachment_id": o["attachment"].pk}, ""),
        "panel:terms-edit": (main, ""),
        "panel:media-new": (main, ""),
        "panel:member-new": (main, ""),
        "panel:considerations": (main, ""),
        "panel:recommendation": (main, ""),
        "panel:records-confirm": ({**main, "agency_id": ag["a"].pk}, ""),
        "panel:records-chase": ({**main, "agency_id": ag["a"].pk}, ""),
        "imr:commission": (drafting_case, ""),
        "imr:imr-detail": (imr, ""),
        "imr:nominate": (imr, ""),
        "imr:appraisal": (imr, ""),
        "imr:submit": ({**imr, "part": Part.REPORT}, ""),
        "imr:version": ({**imr, "number": 1}, ""),
        "imr:preview": (imr, ""),
        "imr:countersign": (imr, ""),
        "imr:panel-review": (imr, ""),
        "imr:concern-new": (imr, ""),
        "imr:history": (imr, ""),
        "imr:revision": ({**imr, "revision_id": o["revision"].pk}, ""),
        "imr:pdf": (imr, ""),
        "imr:section-edit": ({**imr, "key": Section.LESSONS}, ""),
        "imr:person-new": (imr, ""),
        "imr:person-edit": ({**imr, "person_id": "pm1"}, ""),
        "imr:recommendation-new": (imr, ""),
        "imr:recommendation-edit": ({**imr, "rec_id": "rm1"}, ""),
        "imr:chronology": (imr, ""),
        "imr:chronology-import": (imr, ""),
        "imr:chronology-export": ({**imr, "fmt": "xlsx"}, ""),
        "imr:entry-edit": ({**imr, "entry_id": o["marked_entry"].pk}, ""),
        "imr:entry-move": ({**imr, "entry_id": o["marked_entry"].pk}, ""),
        "imr:glossary": (imr, ""),
        "imr:checks": (imr, ""),
        "imr:s45-register": (sar, ""),
        "imr:s45-new": (sar, ""),
        "imr:s45-detail": ({**sar, "request_id": o["s45_answered"].pk}, ""),
        "imr:s45-reply": ({**sar, "request_id": o["s45_waiting"].pk}, ""),
        "imr:s45-escalate": ({**sar, "request_id": o["s45_waiting"].pk}, ""),
        "imr:s45-file": (
            {**sar, "request_id": o["s45_answered"].pk, "file_id": o["s45_file"].pk},
            "",
        ),
        "overview:start": (main, ""),
        "overview:overview-detail": (review, ""),
        "overview:section-edit": ({**review, "key": "introduction"}, ""),
        "overview:findings": (review, ""),
        "overview:finding-new": (review, ""),
        "overview:finding-edit": ({**review, "finding_id": o["finding"].pk}, ""),
        "overview:finding-remove": ({**review, "finding_id": o["finding"].pk}, ""),
        "overview:recommendations": (review, ""),
        "overview:recommendation-new": (review, ""),
        "overview:recommendation-edit": (
            {**review, "recommendation_id": o["overview_recommendation"].pk},
            "",
        ),
        "overview:recommendation-remove": (
            {**review, "recommendation_id": o["overview_recommendation"].pk},
            "",
        ),
        "overview:submit": (review, ""),
        "overview:pdf": (review, ""),
        "overview:chronology": (review, ""),
        "overview:chronology-export": ({**review, "fmt": "xlsx"}, ""),
        "overview:duplicates": (review, ""),
        "overview:entry-link": ({**review, "entry_id": o["overview_entry"].pk}, ""),
        "overview:entry-unlink": ({**review, "entry_id": o["overview_entry"].pk}, ""),
        "overview:timeline": (review, ""),
        "overview:family": (review, ""),
        "overview:family-merge": (review, ""),
        "overview:family-not-same": (review, ""),
        "overview:family-member-edit": ({**review, "member_id": o["family_member"].pk}, ""),
        "overview:receipt": (main, ""),
        "overview:response-edit": ({**main, "agency_id": ag["a"].pk}, ""),
        "overview:receipt-item": ({**main, "key": "contributors"}, ""),
        "overview:summary": (main, ""),
        "overview:summary-start": (main, ""),
        "overview:summary-edit": (main, ""),
        "overview:summary-waive": (main, ""),
        "overview:summary-send": (main, ""),
        "overview:summary-panel": (main, ""),
        "overview:summary-approve": (main, ""),
        "overview:summary-withdraw": (main, ""),
        "overview:summary-recipient-add": (main, ""),
        "overview:summary-recipient-remove": ({**main, "recipient_id": o["recipient"].pk}, ""),
        "overview:summary-pdf": (main, ""),
        "actionplans:overview": (main, ""),
        "actionplans:plan-detail": (plan, ""),
        "actionplans:plan-contacts": (plan, ""),
        "actionplans:plan-submit": (plan, ""),
        "actionplans:plan-decide": (plan, ""),
        "actionplans:plan-pdf": (plan, ""),
        "actionplans:action-new": (plan, f"recommendation={o['recommendation'].pk}"),
        "actionplans:action-edit": (action, ""),
        "actionplans:action-remove": (action, ""),
        "actionplans:action-detail": (action, ""),
        "actionplans:action-update": (action, ""),
        "actionplans:evidence-upload": (action, ""),
        "actionplans:evidence-download": ({**plan, "evidence_id": o["evidence"].pk}, ""),
        "actionplans:evidence-decide": ({**plan, "evidence_id": o["evidence"].pk}, ""),
        "actionplans:letters-draft": (main, ""),
        "actionplans:letter-edit": ({**main, "letter_id": o["sent_letter"].pk}, ""),
        "actionplans:letter-send": ({**main, "letter_id": o["draft_letter"].pk}, ""),
        "actionplans:letter-pdf": ({**main, "letter_id": o["sent_letter"].pk}, ""),
        "actionplans:monitoring": ({}, ""),
        "actionplans:monitoring-export": ({"fmt": "xlsx"}, ""),
        "actionplans:action-evaluate": (action, ""),
        "actionplans:monitoring-start": (main, ""),
        "actionplans:case-close": (main, ""),
        "actionplans:case-reopen": (main, ""),
        "deadlines:my-deadlines": ({}, ""),
        "deadlines:board-deadlines": ({}, ""),
        "deadlines:compliance": ({}, ""),
        "deadlines:settings": ({}, ""),
        "deadlines:calendar-create": ({}, ""),
        "deadlines:calendar-revoke": ({}, ""),
        "deadlines:calendar-feed": ({"token": o["feed_token"]}, ""),
        "deadlines:extension-request": ({"deadline_id": o["clock"].pk}, ""),
        "deadlines:extension-decide": ({"extension_id": o["extension"].pk}, ""),
        "referrals:referral-list": ({}, ""),
        "referrals:referral-new": ({}, ""),
        "referrals:referral-detail": ({"referral_id": o["referral"].pk}, ""),
        "referrals:referral-edit": ({"referral_id": o["draft_referral"].pk}, ""),
        "accounts:sign-in": ({}, ""),
        "accounts:sign-out": ({}, ""),
        "accounts:two-factor": ({}, ""),
        "accounts:two-factor-setup": ({}, ""),
        "accounts:backup-codes": ({}, ""),
        "accounts:account": ({}, ""),
        "accounts:sessions": ({}, ""),
        "accounts:keep-alive": ({}, ""),
        "accounts:session-status": ({}, ""),
        "accounts:password-change": ({}, ""),
        "accounts:password-reset": ({}, ""),
        "accounts:password-reset-sent": ({}, ""),
        # A link that is not valid: the page says so.
        "accounts:password-reset-confirm": ({"uidb64": "MQ", "token": "set-password"}, ""),
        "accounts:password-reset-complete": ({}, ""),
        "guide-index": ({}, ""),
        "guide-page": ({"slug": "coordinator"}, ""),
    }
    return targets


# Who asks. Board A's people and two of board B's, asking for board A's pages.
ROLES = [
    "anonymous",
    "coordinator",
    "chair",
    "panel_chair",
    "panel_member",
    "lead_a",
    "lead_b",
    "lead_c",
    "author_a",
    "author_b",
    "director_a",
    "overview_author",
    "board_member",
    "referrer",
    "outsider",
    "other_coordinator",
]
# The administration is covered as a group: who is staff and who is not.
ADMIN_ROLES = ["anonymous", "outsider", "chair", "coordinator", "other_coordinator"]
BOARD_A_ROLES = [r for r in ROLES if r != "anonymous" and not r.startswith("other_")]


def user_for(world: World, role: str):
    if role == "anonymous":
        return None
    if role.startswith("other_"):
        return world.b.people[role.removeprefix("other_")]
    return world.a.people[role]


def url_patterns() -> list[tuple[str, str]]:
    """(key, route) of every URL pattern of the project, through every include: the key
    is the namespaced name ('imr:chronology'), or the route where a pattern has none."""

    def walk(resolver, prefix: str, namespace: str):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern, route, inner)
            elif pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route
            else:
                yield route, route

    return list(walk(get_resolver(), "", ""))


def admin_row(w: BoardWorld, label: str) -> str:
    """The id of a row of the board's in the administration's model 'app/model'; "1"
    for a model with no such row (whoever may not open the model gets 403 either way)."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    chosen = {
        "auth/group": Group.objects.filter(name=group_name(Role.COORDINATOR)).first(),
        "accounts/board": w.board,
        "accounts/agency": w.agencies["a"],
        "accounts/user": w.people["outsider"],
        "cases/case": w.case,
    }
    if label in chosen:
        return str(chosen[label].pk)
    model = apps.get_model(*label.split("/"))
    names = {f.name for f in model._meta.get_fields()}
    rows = model.objects.order_by("pk")
    if "board" in names:
        rows = rows.filter(board=w.board)
    elif "user" in names:
        rows = rows.filter(user__board=w.board)
    else:
        return "1"
    row = rows.first()
    return str(row.pk) if row else "1"


def admin_path(key: str, route: str, w: BoardWorld) -> str:
    """The address of an administration pattern, pointing at a row of the board's."""
    if "content_type_id" in route:  # the administration's 'view on site'
        case_type = ContentType.objects.get_for_model(Case).pk
        return reverse(key, kwargs={"content_type_id": case_type, "object_id": w.case.pk})
    model = "/".join(route.split("/")[1:3])
    if key.startswith("admin:"):
        kwargs = {}
        for argument in ("<path:object_id>", "<id>", "<int:pk>"):
            if argument in route:
                kwargs[argument.strip("<>").split(":")[-1]] = admin_row(w, model)
        if "app_label" in route:
            kwargs["app_label"] = "cases"
        return reverse(key, kwargs=kwargs)
    if "<path:object_id>" in route:
        return "/" + route.replace("<path:object_id>", admin_row(w, model))
    return "/admin/no-such-page/"  # the administration's catch-all


def paths(w: BoardWorld) -> dict[str, str | None]:
    """The address of every pattern in a board's world, by key; None for a pattern the
    world has no target for (the matrix test fails on it)."""
    targets = url_targets(w)
    result = {}
    for key, route in url_patterns():
        if route.startswith("admin/"):
            result[key] = admin_path(key, route, w)
        elif key in targets:
            kwargs, query = targets[key]
            result[key] = reverse(key, kwargs=kwargs) + (f"?{query}" if query else "")
        else:
            result[key] = None
    return result
