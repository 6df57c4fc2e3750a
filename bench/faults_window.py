"""The outbox's windows, measured. How long after the mail server has a message is its
row marked sent? Before the hand-over mark (scr/mail.py) a worker killed in between made
a second copy; now the row is marked handed before the end of the message is sent, and
what is left is the time from that mark's commit to the end of the message leaving the
worker: a kill there would record as handed a message the server never took.

Sends N emails, one after another, through scr.outbox.services.email_send to the real
SMTP server of `make faults` (bench/faults_smtp.py, which writes each message to its log,
on disk, before it answers 250) and, per message, takes three times on one clock: the
server's write, the sender holding the 250, and the mark's UPDATE returned (committed:
it runs in autocommit). Prints the median, 90th percentile and maximum of each gap.

python bench/faults_window.py [N]   (the database, ports and settings of bench/faults.py)
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faults import database_ready, django_setup, settings_env  # noqa: E402
from bench.faults_processes import smtp_deliveries  # noqa: E402


def gaps(count: int, log: Path) -> dict[str, list[float]]:
    from django.core.mail import EmailMultiAlternatives
    from django.db import connection

    from scr import mail
    from scr.outbox.models import Email
    from scr.outbox.services import email_send

    tag = uuid.uuid4().hex[:6]
    rows = [
        Email.objects.create(
            purpose="window", key=f"window:{tag}:{n}", to=f"w{n}.{tag}@faults.example.org"
        )
        for n in range(count)
    ]
    has_250, marked, handed, ended, sending = {}, {}, {}, {}, []
    send = EmailMultiAlternatives.send
    smtp_send = mail._SMTP.send

    def timed_end(smtp, data):
        smtp_send(smtp, data)
        if data == mail.END_OF_DATA and sending:
            ended[sending[-1]] = time.time()

    def timed_send(message, *args, **kwargs):
        sent = send(message, *args, **kwargs)
        has_250[message.to[0]] = time.time()
        return sent

    def timed_mark(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('UPDATE "outbox_email" SET "sent_at"') and sending:
            marked[sending[-1]] = time.time()
        if sql.startswith('UPDATE "outbox_email" SET "handed_at"') and sending:
            handed[sending[-1]] = time.time()
        return result

    EmailMultiAlternatives.send = timed_send
    mail._SMTP.send = timed_end
    started = time.perf_counter()
    try:
        with connection.execute_wrapper(timed_mark):
            for row in rows:
                sending.append(row.to)
                email_send(email_id=row.pk)
    finally:
        EmailMultiAlternatives.send = send
        mail._SMTP.send = smtp_send
    per_send = (time.perf_counter() - started) / count * 1000
    time.sleep(0.5)
    written = {to: messages[-1]["at"] for to, messages in smtp_deliveries(log).items()}
    return {
        "server writes -> sender has the 250": [
            (has_250[a] - written[a]) * 1000 for a in has_250 if a in written
        ],
        "sender has the 250 -> row marked sent": [
            (marked[a] - has_250[a]) * 1000 for a in marked if a in has_250
        ],
        "server writes -> row marked sent": [
            (marked[a] - written[a]) * 1000 for a in marked if a in written
        ],
        "left: hand-over committed -> end of message sent": [
            (ended[a] - handed[a]) * 1000 for a in ended if a in handed
        ],
        "one send, whole (ms)": [per_send],
    }


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    database_url = os.environ.get(
        "FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scr_faults"
    )
    smtp_port = int(os.environ.get("FAULTS_SMTP_PORT", "2591")) + 10
    env = settings_env(database_url, 0, smtp_port)
    env["CELERY_BROKER_URL"] = "memory://"  # nothing published: the sends are made here
    database_ready(database_url, False, env)
    django_setup(env)
    log = Path(tempfile.mkdtemp(prefix="scr-window-")) / "smtp.jsonl"
    log.touch()
    smtp = subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, str(ROOT / "bench" / "faults_smtp.py"), str(smtp_port), str(log)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        smtp.stdout.readline()
        measured = gaps(count, log)
    finally:
        smtp.terminate()
        smtp.wait()
    print(f"{count} emails sent one after another (milliseconds):")
    for name, values in measured.items():
        values.sort()
        if len(values) == 1:
            print(f"  {name:<46} {values[0]:7.2f}")
            continue
        p90 = values[int(0.9 * (len(values) - 1))]
        print(
            f"  {name:<46} median {statistics.median(values):6.2f}, "
            f"90% {p90:6.2f}, max {values[-1]:6.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
