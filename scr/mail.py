"""The embedded email backend: one .eml file per message under var/mail/, echoed to the console."""

import sys
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class FileAndConsoleBackend(BaseEmailBackend):
    """Writes each message to EMAIL_FILE_PATH as its own .eml file and prints a summary."""

    _lock = threading.Lock()

    def send_messages(self, email_messages) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
            with self._lock:
                sys.stdout.write(
                    f"[mail] to {', '.join(message.to)}: {message.subject} ({path.name})\n"
                )
                sys.stdout.flush()
            sent += 1
        return sent
