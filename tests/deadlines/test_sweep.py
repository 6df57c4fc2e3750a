"""The reminder sweep: who is emailed what and when, once."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import now as django_now
from kombu.exceptions import OperationalError

from scr.deadlines import calendar, reminders
from scr.deadlines.models import Deadline, Digest, Reminder
from scr.deadlines.reminders import deadline_sweep
from scr.deadlines.services import reminder_preference_set
from tests import scenarios
from tests.imr.conftest import asked, commissioned, imr_a  # noqa: F401

pytestmark = pytest.mark.django_db


class Broker:
    """A send task whose broker loses every message (lose=True) or cannot be reached."""

    name = "reminder_send_task"

    def __init__(self, *, lose: bool):
        self.lose = lose

    def apply_async(self, **kwargs):
        if not self.lose:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=calendar.LONDON)


def reminder_mail(mailoutbox):
    """(recipient, subject) of each reminder email, leaving out stage-change emails."""
    return [(m.to[0], m.subject) for m in mailoutbox if "now at" not in m.subject]


def sweep_days(first: date, last: date, mailoutbox, capture, *, inline=False):
    """Sweep every day at 09:00 (twice, as duplicate beat ticks would) and return
    {day: [(recipient, subject), ...]} for the days on which something was sent."""
    sent, day = {}, first
    while day <= last:
        before = len(mailoutbox)
        with time_machine.travel(at(day), tick=False):
            for _ in range(2):
                with capture(execute=True):
                    deadline_sweep(inline=inline)
        new = reminder_mail(mailoutbox[before:])
        if new:
            sent[day] = sorted(new)
        day += timedelta(days=1)
    return sent


def test_a_whole_case_sends_each_reminder_once_to_the_right_people(
    referrer_a,
    lead_a,
    agency_a,
    agency_c,
    chair,
    coordinator,
    panel_chair,
    overview_author,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from scr.accounts.roles import Role
    from scr.cases.services import case_assign

    with time_machine.travel(at(date(2026, 11, 2), 8), tick=False):
        case = scenarios.referred(
            referrer=referrer_a,
            lead=lead_a,
            subject_name="Hypatia Quenby-Marsh",
            agencies=[agency_a, agency_c],
        )
        case_assign(case_id=case.pk, user=overview_author, role=Role.OVERVIEW_AUTHOR, by=chair)
        scenarios.panel_convened(case, chair=chair, panel_chair=panel_chair)
    ref = case.reference
    sent = sweep_days(
        date(2026, 11, 1), date(2026, 11, 24), mailoutbox, django_capture_on_commit_callbacks
    )
    with time_machine.travel(at(date(2026, 11, 25), 8), tick=False):
        scenarios.panel_recommended(case, panel_chair=panel_chair)
    with time_machine.travel(at(date(2026, 11, 27), 8), tick=False):
        scenarios.review_commissioned(case, chair=chair)
    sent |= sweep_days(
        date(2026, 11, 25), date(2027, 1, 15), mailoutbox, django_capture_on_commit_callbacks
    )

    meets, recommends = "Panel meets (6.1)", "Panel recommendation and terms of reference (6.2)"
    begins = "Management reviews begin (10)"
    p, c, ch = panel_chair.email, coordinator.email, chair.email
    assert sent == {
        date(2026, 11, 2): [(p, f"{ref}: due 09/11/2026 – {meets}")],
        date(2026, 11, 7): [(p, f"{ref}: due 09/11/2026 – {meets}")],
        date(2026, 11, 9): [(p, f"{ref}: due today – {meets}")],
        date(2026, 11, 10): sorted(
            [(p, f"{ref}: overdue – {meets}"), (c, f"{ref}: overdue – {meets}")]
        ),
        date(2026, 11, 16): sorted(
            [
                (p, f"{ref}: overdue – {meets}"),
                (c, f"{ref}: overdue – {meets}"),
                (ch, f"{ref}: overdue – {meets}"),
            ]
        ),
        date(2026, 11, 23): sorted(
            [
                (p, f"{ref}: overdue – {meets}"),
                (c, f"{ref}: overdue – {meets}"),
                (ch, f"{ref}: overdue – {meets}"),
                (p, f"{ref}: due 30/11/2026 – {recommends}"),
            ]
        ),
        # The 6-week clock has no owner: the coordinator is reminded.
        date(2027, 1, 1): [(c, f"{ref}: due 08/01/2027 – {begins}")],
        date(2027, 1, 6): [(c, f"{ref}: due 08/01/2027 – {begins}")],
        date(2027, 1, 8): [(c, f"{ref}: due today – {begins}")],
        date(2027, 1, 9): [(c, f"{ref}: overdue – {begins}")],
        date(2027, 1, 15): sorted(
            [(c, f"{ref}: overdue – {begins}"), (ch, f"{ref}: overdue – {begins}")]
        ),
    }
    assert Reminder.objects.count() == sum(len(v) for v in sent.values())
    assert not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()


def test_reminder_emails_carry_no_case_details(case, panel_chair, mailoutbox):
    meeting = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    deadline_sweep(at=at(meeting.due + timedelta(days=8)), inline=True)
    assert mailoutbox
    for message in mailoutbox:
        for text in (message.subject, message.body, message.alternatives[0][0]):
            assert case.reference in text
            assert "Hypatia" not in text and "Quenby" not in text and "HQM" not in text
        assert f"/cases/{case.reference}/" in message.body


def test_two_sweeps_at_the_same_moment_send_nothing_twice(case, mailoutbox):
    moment = at(case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING).due + timedelta(days=1))
    first = deadline_sweep(at=moment, inline=True)
    second = deadline_sweep(at=moment, inline=True)
    assert first.total == len(mailoutbox) > 0
    assert second.total == 0
    assert len(mailoutbox) == first.total


def test_a_send_claims_its_row_so_a_duplicate_task_sends_nothing(
    case, mailoutbox, django_capture_on_commit_callbacks
):
    moment = at(case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING).due)
    result = deadline_sweep(at=moment)  # queued, not sent (on_commit never runs here)
    (pk,) = result.reminders
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.reminder_send(reminder_id=pk, now=moment) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.reminder_send(reminder_id=pk, now=moment) is False
    assert len(mailoutbox) == 1


def test_a_failed_hand_over_is_rolled_back_and_done_by_a_retry(
    case, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    moment = at(case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING).due)
    (pk,) = deadline_sweep(at=moment).reminders

    def broken(**kwargs):
        raise ConnectionRefusedError("database gone")

    monkeypatch.setattr(reminders, "notify_people", broken)
    with pytest.raises(ConnectionRefusedError):
        reminders.reminder_send(reminder_id=pk, now=moment)
    # The claim went with the failed transaction: the row is owed as before.
    assert Reminder.objects.get(pk=pk).status == Reminder.Status.PENDING
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.reminder_send(reminder_id=pk, now=moment) is True
    row = Reminder.objects.get(pk=pk)
    assert (row.status, row.attempts) == (Reminder.Status.SENT, 1)
    assert len(mailoutbox) == 1


def test_lost_tasks_and_dead_workers_are_recovered_by_a_later_sweep(
    case, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    moment = at(case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING).due)
    # The broker takes every task and loses it (restarted empty).
    monkeypatch.setattr("scr.deadlines.tasks.reminder_send_task", Broker(lose=True))

    def sweep_at(when, **options):
        with (
            time_machine.travel(when, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return deadline_sweep(**options).reminders

    (pk,) = sweep_at(moment)  # the task is lost: never run
    assert sweep_at(moment + timedelta(minutes=1)) == []
    # The next sweep (every 15 minutes) queues it again: no two-hour wait.
    assert sweep_at(moment + timedelta(minutes=15)) == [pk]
    assert sweep_at(moment + timedelta(hours=3)) == [pk]
    monkeypatch.undo()
    # A worker claimed it and died before sending: after STALE_CLAIM it is owed again.
    Reminder.objects.filter(pk=pk).update(
        status=Reminder.Status.SENDING, claimed_at=moment + timedelta(hours=3)
    )
    assert sweep_at(moment + timedelta(hours=3, minutes=10)) == []
    assert sweep_at(moment + timedelta(hours=6), inline=True) == [pk]
    assert len(mailoutbox) == 1


def test_a_sweep_as_at_another_day_does_not_steal_a_send_in_progress(case, mailoutbox):
    """A claim is timed by the real clock: `sweep_deadlines --at` a later day must not take
    it for an abandoned one and send the reminder again."""
    meeting = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    (pk,) = deadline_sweep(at=at(meeting.due)).reminders
    Reminder.objects.filter(pk=pk).update(status=Reminder.Status.SENDING, claimed_at=django_now())
    later = deadline_sweep(at=at(meeting.due + timedelta(days=30)), inline=True)
    assert pk not in later.reminders
    assert Reminder.objects.get(pk=pk).status == Reminder.Status.SENDING


def test_a_sweep_that_cannot_reach_the_broker_marks_nothing_queued(
    case, mailoutbox, monkeypatch, django_capture_on_commit_callbacks, settings
):
    moment = at(case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING).due + timedelta(days=8))
    monkeypatch.setattr("scr.deadlines.tasks.reminder_send_task", Broker(lose=False))
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        owed = deadline_sweep().reminders
    assert owed and mailoutbox == []
    assert not Reminder.objects.filter(queued_at__isnull=False).exists()
    monkeypatch.undo()
    # The broker is back: the next sweep, a minute later, queues every one of them.
    later = moment + timedelta(minutes=1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert sorted(deadline_sweep().reminders) == sorted(owed)
    assert len(reminder_mail(mailoutbox)) == len(owed)


def test_a_clock_met_after_the_sweep_is_not_reminded(case, panel_chair, mailoutbox):
    moment = at(case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING).due)
    (pk,) = deadline_sweep(at=moment).reminders
    scenarios.panel_recommended(case, panel_chair=panel_chair)
    mailoutbox.clear()
    assert reminders.reminder_send(reminder_id=pk, now=moment) is False
    assert mailoutbox == []


def test_an_extended_clock_is_reminded_again_for_its_new_date(case, panel_chair, chair, mailoutbox):
    from scr.deadlines.services import extension_decide, extension_request

    meeting = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    deadline_sweep(at=at(meeting.due), inline=True)
    new_due = meeting.due + timedelta(days=14)
    extension = extension_request(
        deadline_id=meeting.pk,
        by=panel_chair,
        requested_due=new_due,
        reason="The police lead is on leave.",
    )
    extension_decide(extension_id=extension.pk, by=chair, approve=True)
    mailoutbox.clear()
    deadline_sweep(at=at(new_due), inline=True)
    assert [m.subject for m in mailoutbox if "(6.1)" in m.subject] == [
        f"{case.reference}: due today – Panel meets (6.1)"
    ]


def test_digest_users_get_one_email_a_day_instead(case, panel_chair, coordinator, mailoutbox):
    panel_chair.reminder_digest = True
    panel_chair.save(update_fields=["reminder_digest"])
    meeting = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    day = meeting.due + timedelta(days=1)
    deadline_sweep(at=at(day), inline=True)
    deadline_sweep(at=at(day, 15), inline=True)
    to_chair = [m for m in mailoutbox if m.to == [panel_chair.email]]
    assert len(to_chair) == 1
    digest = to_chair[0]
    assert digest.subject == f"Your deadlines on {day:%d/%m/%Y}: 1 due within 7 days or overdue"
    assert "Panel meets (6.1)" in digest.body and "OVERDUE by 1 day" in digest.body
    # The escalation to the coordinator still goes on its own.
    assert any(m.to == [coordinator.email] for m in mailoutbox)
    deadline_sweep(at=at(day + timedelta(days=1)), inline=True)
    assert len([m for m in mailoutbox if m.to == [panel_chair.email]]) == 2


@pytest.mark.parametrize("owner_active", [True, False])
def test_a_clock_whose_owner_was_deactivated_is_sent_to_the_coordinator(
    case, panel_chair, coordinator, mailoutbox, owner_active
):
    """Deactivating a person (the admin's is_active) leaves their clocks in their name
    until someone joins or leaves the case: the coordinator is reminded meanwhile."""
    meeting = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    assert meeting.owner == panel_chair
    if not owner_active:
        panel_chair.is_active = False
        panel_chair.save(update_fields=["is_active"])
    day = meeting.due - timedelta(days=2)  # 'before-2': the owner's step alone
    deadline_sweep(at=at(day), inline=True)
    sent = set(Reminder.objects.filter(deadline=meeting).values_list("recipient", "reason"))
    subject = f"{case.reference}: due {meeting.due:%d/%m/%Y} – Panel meets (6.1)"
    if owner_active:
        assert sent == {(panel_chair.pk, Reminder.Reason.OWNER)}
        assert (panel_chair.email, subject) in reminder_mail(mailoutbox)
    else:
        assert sent == {(coordinator.pk, Reminder.Reason.COORDINATOR)}
        assert [m for m in reminder_mail(mailoutbox) if "(6.1)" in m[1]] == [
            (coordinator.email, subject)
        ]


@pytest.fixture
def dates():
    """The two dates of the letter asking for a management review (Appendix C), set 8 and
    9 days ahead: the digest's 7-day horizon falls between them."""
    today = calendar.today()
    return today + timedelta(days=8), today + timedelta(days=9)


def test_the_digest_holds_a_clock_due_in_exactly_seven_days_but_not_eight(
    imr_a,  # noqa: F811
    author_a,
    mailoutbox,
):
    reminder_preference_set(user=author_a, digest=True)
    chronology = Deadline.objects.get(
        case=imr_a.case, kind=Deadline.Kind.IMR_CHRONOLOGY, agency=imr_a.agency
    )
    report = Deadline.objects.get(
        case=imr_a.case, kind=Deadline.Kind.IMR_REPORT, agency=imr_a.agency
    )
    assert chronology.owner == report.owner == author_a
    assert report.due - chronology.due == timedelta(days=1)

    def digests():
        return [m for m in mailoutbox if m.to == [author_a.email] and "deadlines" in m.subject]

    # The chronology due in 8 days, the report in 9: no digest.
    deadline_sweep(at=at(chronology.due - timedelta(days=8)), inline=True)
    assert not Digest.objects.filter(recipient=author_a).exists()
    assert digests() == []

    # A day later the chronology is due in exactly 7 days: in; the report, in 8: not.
    day = chronology.due - timedelta(days=7)
    deadline_sweep(at=at(day), inline=True)
    (digest,) = digests()
    assert digest.subject == f"Your deadlines on {day:%d/%m/%Y}: 1 due within 7 days or overdue"
    assert "IMR chronology and family composition (Appendix C)" in digest.body
    assert "IMR full report" not in digest.body


def _bulk_clocks(case, count: int, *, due_now: bool, on: date):
    due = on if due_now else on + timedelta(days=200)
    Deadline.objects.bulk_create(
        [
            Deadline(
                case=case,
                kind=Deadline.Kind.IMR_REPORT,
                start=on,
                due=due,
                original_due=due,
                next_reminder_on=due - timedelta(days=7),
            )
            for _ in range(count)
        ],
        batch_size=5000,
    )


def test_the_sweep_makes_the_same_queries_over_50000_open_clocks(case, coordinator):
    on = date(2026, 12, 1)
    Deadline.objects.filter(case=case).delete()
    _bulk_clocks(case, 20, due_now=True, on=on)
    with CaptureQueriesContext(connection) as small:
        deadline_sweep(at=at(on))
    Reminder.objects.all().delete()
    Deadline.objects.update(next_reminder_on=on - timedelta(days=7))
    _bulk_clocks(case, 50_000, due_now=False, on=on)
    assert Deadline.objects.filter(status=Deadline.Status.OPEN).count() == 50_020
    with CaptureQueriesContext(connection) as large:
        result = deadline_sweep(at=at(on))
    assert result.clocks_seen == 20
    assert len(result.reminders) == 20
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 16


def test_the_sweep_works_in_batches_of_fixed_queries(case, monkeypatch):
    on = date(2026, 12, 1)
    Deadline.objects.filter(case=case).delete()
    monkeypatch.setattr(reminders, "BATCH", 10)
    counts = []
    for clocks in (10, 20, 30):
        _bulk_clocks(case, 10, due_now=True, on=on)
        Deadline.objects.update(next_reminder_on=on - timedelta(days=7))
        Reminder.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            assert deadline_sweep(at=at(on)).clocks_seen == clocks
        counts.append(len(queries.captured_queries))
    assert counts[1] - counts[0] == counts[2] - counts[1] <= 5


# Who is reminded, what the email says, and what the rows hold after: one rule a test.


def test_escalation_goes_to_the_active_coordinators_and_chairs_of_the_clocks_board_only(
    case, panel_chair, coordinator, chair, other_coordinator, mailoutbox
):
    from scr.accounts.roles import Role
    from tests.factories import UserFactory

    UserFactory(board=case.board, roles=[Role.COORDINATOR], is_active=False)
    UserFactory(board=case.board, roles=[Role.BOARD_CHAIR], is_active=False)
    UserFactory(board=other_coordinator.board, roles=[Role.BOARD_CHAIR])
    meeting = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    deadline_sweep(at=at(meeting.due + timedelta(days=7)), inline=True)  # 'overdue-1'
    sent = set(Reminder.objects.filter(deadline=meeting).values_list("recipient", "reason"))
    assert sent == {
        (panel_chair.pk, Reminder.Reason.OWNER),
        (coordinator.pk, Reminder.Reason.COORDINATOR),
        (chair.pk, Reminder.Reason.CHAIR),
    }
    bodies = {m.to[0]: m.body for m in mailoutbox if "(6.1)" in m.subject}
    assert "as the board's coordinator" in bodies[coordinator.email]
    assert "as the board's chair" in bodies[chair.email]
    assert "as the board's" not in bodies[panel_chair.email]
    # Every reminder is signed by the board; a clock of no agency names none.
    for body in bodies.values():
        assert case.board.name in body
        assert f"Case {case.reference}: Panel meets (6.1)\n" in body


def test_a_reminder_of_an_agencys_clock_names_the_agency(imr_a, author_a, mailoutbox):  # noqa: F811
    chronology = Deadline.objects.get(
        case=imr_a.case, kind=Deadline.Kind.IMR_CHRONOLOGY, agency=imr_a.agency
    )
    deadline_sweep(at=at(chronology.due), inline=True)
    (message,) = [m for m in mailoutbox if "due today" in m.subject and m.to == [author_a.email]]
    assert (
        f"IMR chronology and family composition (Appendix C) ({imr_a.agency.name})" in message.body
    )


def test_a_sent_reminder_row_is_marked_sent_with_its_time(case, mailoutbox):
    moment = at(case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING).due)
    (pk,) = deadline_sweep(at=moment).reminders
    assert reminders.reminder_send(reminder_id=pk, now=moment) is True
    row = Reminder.objects.get(pk=pk)
    assert row.status == Reminder.Status.SENT and row.sent_at is not None


def test_a_reminder_of_a_clock_met_meanwhile_is_closed_for_good(case, panel_chair, mailoutbox):
    moment = at(case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING).due)
    (pk,) = deadline_sweep(at=moment).reminders
    scenarios.panel_recommended(case, panel_chair=panel_chair)
    assert reminders.reminder_send(reminder_id=pk, now=moment) is False
    row = Reminder.objects.get(pk=pk)
    assert row.status == Reminder.Status.SENT and row.sent_at is not None
    # Never queued again, however late the next sweep.
    with time_machine.travel(django_now() + timedelta(hours=2)):
        assert pk not in deadline_sweep(at=moment + timedelta(hours=2)).reminders


def test_a_second_sweep_that_read_the_same_clocks_writes_no_second_row(case, mailoutbox):
    """Two sweeps at once both read a clock before either moved it on: the unique
    constraint, not the clock's next date, keeps the second from writing a row twice."""
    meeting = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    moment = at(meeting.due)
    deadline_sweep(at=moment)
    rows = Reminder.objects.count()
    Deadline.objects.filter(pk=meeting.pk).update(next_reminder_on=meeting.due)
    deadline_sweep(at=moment)
    assert Reminder.objects.count() == rows


def test_the_sweep_reads_each_batchs_owners_in_its_one_query(case, coordinator, monkeypatch):
    """Clocks with owners (the owner decides who is reminded) cost no query each."""
    on = date(2026, 12, 1)
    Deadline.objects.filter(case=case).delete()
    monkeypatch.setattr(reminders, "BATCH", 10)
    counts = []
    for owned in (0, 10):
        Deadline.objects.all().delete()
        Reminder.objects.all().delete()
        _bulk_clocks(case, 10, due_now=True, on=on)
        Deadline.objects.update(next_reminder_on=on - timedelta(days=7))
        Deadline.objects.filter(pk__in=Deadline.objects.values("pk")[:owned]).update(
            owner=coordinator
        )
        with CaptureQueriesContext(connection) as queries:
            deadline_sweep(at=at(on))
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


@pytest.fixture
def digest_clocks(imr_a, author_a, lead_a):  # noqa: F811
    """author_a on the digest, owning the chronology and the report (a day later), and a
    clock added after them but due the day before the chronology; beside them a clock of
    the same case owned by another and one of author_a's that was met."""
    reminder_preference_set(user=author_a, digest=True)
    chronology = Deadline.objects.get(
        case=imr_a.case, kind=Deadline.Kind.IMR_CHRONOLOGY, agency=imr_a.agency
    )
    report = Deadline.objects.get(
        case=imr_a.case, kind=Deadline.Kind.IMR_REPORT, agency=imr_a.agency
    )
    before = chronology.due - timedelta(days=1)
    for owner, status, due in (
        (lead_a, Deadline.Status.OPEN, chronology.due),
        (author_a, Deadline.Status.MET, chronology.due),
        (author_a, Deadline.Status.OPEN, before),
    ):
        Deadline.objects.create(
            case=imr_a.case,
            kind=Deadline.Kind.PANEL_MEETING if due == before else Deadline.Kind.IMR_REPORT,
            agency=None if due == before else imr_a.agency,
            owner=owner,
            status=status,
            start=chronology.start,
            due=due,
            original_due=due,
        )
    return chronology, report


def test_the_digest_lists_the_recipients_own_live_clocks_soonest_first(
    digest_clocks, author_a, mailoutbox
):
    chronology, report = digest_clocks
    day = chronology.due - timedelta(days=1)
    deadline_sweep(at=at(day), inline=True)
    (digest,) = [m for m in mailoutbox if m.to == [author_a.email]]
    assert digest.subject == f"Your deadlines on {day:%d/%m/%Y}: 3 due within 7 days or overdue"
    body = digest.body
    assert body.index("Panel meets") < body.index("(Appendix C)") < body.index("IMR full report")
    assert digest.body.rstrip().endswith(author_a.board.name)


def test_a_digest_whose_clocks_were_met_meanwhile_is_closed_unsent(
    digest_clocks, author_a, mailoutbox
):
    chronology, report = digest_clocks
    day = chronology.due - timedelta(days=1)
    (pk,) = deadline_sweep(at=at(day)).digests
    Deadline.objects.filter(owner=author_a).update(status=Deadline.Status.MET)
    assert reminders.digest_send(digest_id=pk, now=at(day)) is False
    row = Digest.objects.get(pk=pk)
    assert row.status == Reminder.Status.SENT and row.sent_at is not None
    assert reminders.digest_send(digest_id=pk, now=at(day)) is False
    assert not [m for m in mailoutbox if m.to == [author_a.email]]


def test_no_digest_is_owed_for_met_clocks_or_to_a_deactivated_person(
    digest_clocks, author_a, mailoutbox
):
    chronology, report = digest_clocks
    day = chronology.due - timedelta(days=1)
    Deadline.objects.filter(owner=author_a).update(status=Deadline.Status.MET)
    deadline_sweep(at=at(day))
    assert not Digest.objects.exists()
    Deadline.objects.filter(pk__in=[chronology.pk, report.pk]).update(status=Deadline.Status.OPEN)
    author_a.is_active = False
    author_a.save(update_fields=["is_active"])
    deadline_sweep(at=at(day + timedelta(days=1)))
    assert not Digest.objects.exists()


def test_a_digest_is_queued_after_commit_and_sent_once(
    digest_clocks, author_a, mailoutbox, django_capture_on_commit_callbacks
):
    chronology, report = digest_clocks
    with time_machine.travel(at(chronology.due - timedelta(days=1)), tick=False):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                deadline_sweep()
    (digest,) = [m for m in mailoutbox if m.to == [author_a.email]]
    assert "3 due within 7 days" in digest.subject
    row = Digest.objects.get()
    assert row.status == Reminder.Status.SENT and row.queued_at is not None


def test_a_digest_reads_its_clocks_in_queries_that_do_not_grow_with_them(
    digest_clocks, author_a, mailoutbox
):
    from django.contrib.contenttypes.models import ContentType

    from scr.outbox.models import Email

    chronology, report = digest_clocks
    counts = []
    # Eight days ahead only the clock due first is in the horizon; six days ahead, all three.
    for ahead, clocks in ((8, 1), (6, 3)):
        day = chronology.due - timedelta(days=ahead)
        (pk,) = deadline_sweep(at=at(day)).digests
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            assert reminders.digest_send(digest_id=pk, now=at(day)) is True
        email = Email.objects.filter(purpose="deadline_digest").latest("pk")
        assert f"{clocks} due within 7 days" in email.subject
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("met", [False, True])
def test_a_send_marks_only_its_own_row_when_another_was_claimed_at_the_same_instant(
    case, panel_chair, mailoutbox, met
):
    meeting = case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING)
    moment = at(meeting.due + timedelta(days=7))
    mine, other, *_ = deadline_sweep(at=moment).reminders
    if met:  # closed unsent, not handed over
        scenarios.panel_recommended(case, panel_chair=panel_chair)
    with time_machine.travel(django_now(), tick=False):
        # Another worker claimed the other row at this very instant.
        Reminder.objects.filter(pk=other).update(
            status=Reminder.Status.SENDING, claimed_at=django_now()
        )
        assert reminders.reminder_send(reminder_id=mine, now=moment) is not met
    assert Reminder.objects.get(pk=mine).status == Reminder.Status.SENT
    assert Reminder.objects.get(pk=other).status == Reminder.Status.SENDING


def test_a_reminders_email_is_keyed_by_and_linked_to_its_row(case, mailoutbox):
    from scr.outbox.models import Email

    moment = at(case.deadlines.get(kind=Deadline.Kind.PANEL_MEETING).due)
    (pk,) = deadline_sweep(at=moment).reminders
    reminders.reminder_send(reminder_id=pk, now=moment)
    email = Email.objects.get(purpose="deadline_reminder")
    assert email.key == f"deadlines.reminder:{pk}"
    assert (email.content_type.model, email.object_id) == ("reminder", pk)


def test_the_sweep_reads_only_the_clocks_owed_a_reminder(case, coordinator):
    """The indexed read of next_reminder_on: clocks with nothing owed yet are not read
    (the 50,000-clock test's rule, at a size mutation testing can run per mutant)."""
    on = date(2026, 12, 1)
    Deadline.objects.filter(case=case).delete()
    _bulk_clocks(case, 3, due_now=True, on=on)
    _bulk_clocks(case, 5, due_now=False, on=on)
    result = deadline_sweep(at=at(on))
    assert (result.clocks_seen, len(result.reminders)) == (3, 3)
