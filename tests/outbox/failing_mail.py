"""An email backend whose mail server refuses the addresses in `refuse` (a 451 for one
recipient in the middle of a batch), and counts what it was asked to send."""

from django.core.mail.backends.locmem import EmailBackend


class RefuseSome(EmailBackend):
    refuse: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.refuse:
                raise ConnectionRefusedError("451 Requested action aborted: try again later")
        return super().send_messages(messages)
