"""Emails leave the secure service: no email names the adult or carries case content.
A case whose subject's name, address, referral and every reason are sentinel strings
goes through the procedure by its services, each email sent by its real sender after
commit; the two whose senders need the end of the review (the chair's letter, the
family's copy of the summary) are rendered with their sender's context. Every template
under templates/emails/ must have been rendered, and no sentinel may be in any subject
or body."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from actionplans.models import ChairLetter
from imr import draft_services
from imr import notifications as imr_notifications
from imr import services as imr_services
from imr.demo import write_section
from imr.entry_parsing import parse_date
from imr.models import Imr, Section
from panel import services as panel
from referrals import services as referrals
from referrals.models import Referral
from scr.accounts.roles import Role
from scr.cases import services as case_services
from scr.deadlines import services as deadlines
from scr.deadlines.models import Deadline
from scr.deadlines.reminders import deadline_sweep
from scr.notify import render_email
from tests.imr.conftest import nominate

pytestmark = pytest.mark.django_db

EMAILS = Path(__file__).resolve().parents[2] / "templates" / "emails"
NAME = "Zenobia Quillfeather"
SENTINELS = ("zenobia", "quillfeather", "sentinel")


def _text(words: str) -> str:
    return f"SENTINEL {words} about {NAME}"


@pytest.fixture
def rendered():
    """The name of every template rendered while the test runs."""
    names = set()

    def record(sender, template, context, **kwargs):
        names.add(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


@pytest.fixture
def fast_pdfs(monkeypatch):
    """The letters' PDFs are attachments, not the email's text: skip laying them out."""
    monkeypatch.setattr("scr.documents.render.render_pdf", lambda document, *a, **k: b"%PDF-")


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in SENTINELS if word in lowered]


def test_no_email_carries_the_subjects_name_or_case_content(
    django_capture_on_commit_callbacks,
    rendered,
    fast_pdfs,
    board,
    referrer,
    lead_a,
    lead_b,
    chair,
    coordinator,
    panel_chair,
    panel_member,
    author_a,
    director_a,
    board_member,
    agency_a,
    agency_c,
):
    def step(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    board.regulator_email = "regulator@example.org"
    board.save(update_fields=["regulator_email"])
    mail.outbox = []

    # 4, 5: the referral, returned once, then endorsed.
    referral = referrals.referral_start(by=referrer)
    details = {
        "subject_name": NAME,
        "subject_address": _text("address"),
        "what_happened": _text("what happened"),
        "abuse_or_neglect": "suspected",
        "believes_3_1": True,
    }
    referrals.referral_save(
        referral_id=referral.pk, by=referrer, data=details, agencies=[agency_a, agency_c]
    )
    step(referrals.referral_submit, referral_id=referral.pk, by=referrer)
    step(referrals.referral_return, referral_id=referral.pk, by=lead_b, reason=_text("return"))
    step(referrals.referral_submit, referral_id=referral.pk, by=referrer)
    step(referrals.referral_endorse, referral_id=referral.pk, by=lead_b, note=_text("endorse"))
    case = Referral.objects.get(pk=referral.pk).case
    assert case.subject_name == NAME

    # 5, 6, 7: the chair sends it to the panel; the panel recommends; the chair decides.
    for user, role in (
        (panel_member, Role.PANEL_MEMBER),
        (author_a, Role.IMR_AUTHOR),
        (director_a, Role.COUNTERSIGNING_DIRECTOR),
    ):
        case_services.case_assign(case_id=case.pk, user=user, role=role, by=coordinator)
    step(
        panel.chair_decision_record,
        case_id=case.pk,
        by=chair,
        decision="panel",
        reasons=_text("screening"),
        panel_chair=panel_chair,
    )
    panel.terms_of_reference_save(
        case_id=case.pk, by=panel_chair, terms=[_text("term one"), _text("term two")]
    )
    step(
        panel.panel_recommendation_record,
        case_id=case.pk,
        by=panel_chair,
        choice="full_review",
        reasons=_text("recommendation"),
    )
    step(
        panel.chair_decision_record,
        case_id=case.pk,
        by=chair,
        decision="review",
        reasons=_text("decision"),
    )

    # 10, 11: agency A's management review, its chronology and family hostile to emails.
    today = timezone.localdate()
    step(
        imr_services.imr_commission,
        case_id=case.pk,
        by=coordinator,
        agency_ids=[agency_a.pk],
        chronology_due=today + timedelta(weeks=4),
        report_due=today + timedelta(weeks=10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        imr = nominate(case, lead_a, author_a, director_a)
    key = {"case_id": case.pk, "agency_id": agency_a.pk, "by": author_a}
    write_section(
        **key,
        section=Section.FAMILY,
        content={
            "subject": {"name": NAME, "dob": "", "dod": "", "address": _text("home")},
            "people": [],
            "other_addresses": "",
        },
    )
    draft_services.chronology_entry_save(
        **key,
        values=draft_services.EntryValues(
            date=parse_date("03/02/25"),
            time=None,
            source=_text("source"),
            subject="ZQ",
            event=_text("event"),
            term_numbers=[1],
        ),
    )
    # Every IMR event, by its real sender, about this IMR.
    for event in imr_notifications.EVENTS:
        imr_notifications.imr_notify(imr_id=imr.pk, event=event)

    # 13.3: a request for more time and the chair's decision on it.
    clock = Deadline.objects.filter(case=case, agency=agency_a).order_by("due").first()
    extension = step(
        deadlines.extension_request,
        deadline_id=clock.pk,
        by=coordinator,
        requested_due=clock.due + timedelta(days=14),
        reason=_text("extension"),
    )
    step(
        deadlines.extension_decide,
        extension_id=extension.pk,
        by=chair,
        approve=True,
        note=_text("extension note"),
    )

    # Reminders and one daily digest, once every clock is overdue.
    live = Deadline.objects.filter(case=case, status__in=Deadline.LIVE, owner__isnull=False)
    owner = live.order_by("pk").first().owner
    deadlines.reminder_preference_set(user=owner, digest=True)
    deadline_sweep(at=timezone.now() + timedelta(days=120), inline=True)

    # Sign-in emails: a password reset, and a change of security details.
    Client().post(reverse("accounts:password-reset"), {"email": referrer.email})
    from scr.accounts.two_factor import security_change_email

    security_change_email(user_id=referrer.pk, change="password")

    # The chair's letter (16) and the family's copy (15.3), with their senders' context.
    letter = ChairLetter(case=case, agency=agency_a)
    rendered_by_hand = [
        render_email(
            "chair_letter",
            {
                "letter": letter,
                "case": case,
                "board": case.board,
                "weeks": case.board.action_plan_weeks,
            },
        ),
        render_email(
            "summary_copy",
            {"board": case.board},
        ),
    ]

    sent = [
        (message.subject, message.body, *(body for body, _ in message.alternatives))
        for message in mail.outbox
    ]
    for parts in [*sent, *rendered_by_hand]:
        for part in parts:
            assert _leaks(part) == [], part

    expected = {path.name for path in EMAILS.glob("*.txt")} | {
        path.name for path in EMAILS.glob("*_body.html")
    }
    seen = {name.removeprefix("emails/") for name in rendered if name.startswith("emails/")}
    assert expected - seen == set(), "templates no test sent"
    assert Imr.objects.filter(pk=imr.pk).exists() and len(mail.outbox) > 20
