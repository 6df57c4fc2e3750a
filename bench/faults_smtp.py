"""A real SMTP server for `make faults`: aiosmtpd on 127.0.0.1, writing one line per
recipient of every message it accepts to a log (with the message's Message-ID), before
it answers 250. What it has answered 250 to counts as delivered, however the sender fares
afterwards.

While a file named `hold` lies beside the log, each recipient is held for a second
before the server answers RCPT, and a line {"holding": address} is logged first: a
worker killed then is killed mid-send, before the server has accepted anything. While a
file named `hold-accepted` lies there, each message is logged as accepted, then a line
{"holding-accepted": id} is logged and the answer 250 held for a second: a worker
killed then is killed after the server took the message, before it has the answer (the
window the outbox's hand-over mark closes: scr/mail.py).

python bench/faults_smtp.py PORT LOGFILE   (stopped with SIGTERM)
"""

import asyncio
import json
import os
import signal
import sys
import time
from email.parser import BytesHeaderParser
from pathlib import Path

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, path: str):
        self.path = path
        self.hold = Path(path).parent / "hold"
        self.hold_accepted = Path(path).parent / "hold-accepted"

    def _log(self, lines: str) -> None:
        with open(self.path, "a") as log:
            log.write(lines)
            log.flush()
            os.fsync(log.fileno())

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.hold.exists():
            self._log(json.dumps({"holding": address.lower(), "at": time.time()}) + "\n")
            await asyncio.sleep(1)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message_id = BytesHeaderParser().parsebytes(envelope.original_content).get("Message-ID")
        lines = "".join(
            json.dumps({"to": rcpt.lower(), "id": message_id, "at": time.time()}) + "\n"
            for rcpt in envelope.rcpt_tos
        )
        self._log(lines)
        if self.hold_accepted.exists():
            self._log(json.dumps({"holding-accepted": message_id, "at": time.time()}) + "\n")
            await asyncio.sleep(1)
        return "250 Message accepted for delivery"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Recorder(path), hostname="127.0.0.1", port=port)
    controller.start()
    signal.signal(signal.SIGTERM, lambda *args: (controller.stop(), sys.exit(0)))
    print(f"SMTP on 127.0.0.1:{port}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
