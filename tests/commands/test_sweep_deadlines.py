from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scr.deadlines import calendar
from scr.deadlines.models import Reminder

pytestmark = pytest.mark.django_db


def _sweep(*args) -> str:
    out = StringIO()
    call_command("sweep_deadlines", *args, stdout=out)
    return out.getvalue()


def test_after_the_demo_reminders_are_written_once_then_escalations_once(settings, tmp_path):
    """The 'Done when' of the deadline issue, with the embedded file email backend."""
    settings.EMAIL_BACKEND = "scr.mail.FileAndConsoleBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    call_command("seed_demo", stdout=StringIO())
    first = _sweep("--inline")
    written = sorted(tmp_path.glob("*.eml"))
    assert written, first
    assert "sent reminder NSAB-SCR-" in first
    assert _sweep("--inline").endswith("0 email(s) sent.\n")
    assert sorted(tmp_path.glob("*.eml")) == written

    later = (calendar.today() + timedelta(days=61)).strftime("%d/%m/%Y")
    escalations = _sweep("--inline", "--at", later)
    assert "overdue" in escalations
    assert "to chair@example.org" in escalations
    count = len(list(tmp_path.glob("*.eml")))
    assert count > len(written)
    _sweep("--inline", "--at", later)
    assert len(list(tmp_path.glob("*.eml"))) == count
    for path in tmp_path.glob("*.eml"):
        text = path.read_text()
        assert "Saltonstall" not in text and "Ollerenshaw" not in text  # demo subjects


def test_without_inline_the_sweep_queues(case, django_capture_on_commit_callbacks, mailoutbox):
    day = case.deadlines.order_by("due").first().due
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        out = _sweep("--at", day.strftime("%d/%m/%Y"))
    assert "queued reminder" in out
    # One publishing of the tasks after commit (for the reminders, one for the digests).
    assert Reminder.objects.count() > 0 and len(callbacks) == 2
    assert mailoutbox == []


@pytest.mark.parametrize("bad", ["tomorrow", "31/02/2027", "2027-13-01"])
def test_a_bad_moment_is_refused_and_nothing_is_swept(db, bad):
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        _sweep("--at", bad)
    assert not Reminder.objects.exists()
