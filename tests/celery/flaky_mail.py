"""An email backend whose first send fails, as a mail server that is briefly down."""

import threading

from django.core.mail.backends.locmem import EmailBackend


class FirstSendFails(EmailBackend):
    failures_left = 1
    attempts = 0
    _lock = threading.Lock()

    def send_messages(self, messages):
        with self._lock:
            type(self).attempts += 1
            if type(self).failures_left > 0:
                type(self).failures_left -= 1
                raise ConnectionRefusedError("The mail server is down")
        return super().send_messages(messages)
