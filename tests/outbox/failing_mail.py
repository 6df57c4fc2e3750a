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


class Watched(EmailBackend):
    """Records, in order, what a send did with which connection (its id): opened, sent
    (with the statuses of every outbox row at that moment) and closed (likewise), so a
    test can tell whether the server's QUIT came before or after the row was marked sent.
    `during_send`, if set, runs as the server accepts a message (a race to stage)."""

    events: list = []
    during_send = None

    @staticmethod
    def _statuses():
        from scr.outbox.models import Email

        return dict(Email.objects.values_list("pk", "status"))

    def open(self):
        Watched.events.append(("open", id(self)))
        return True

    def close(self):
        Watched.events.append(("close", id(self), self._statuses()))

    def send_messages(self, messages):
        Watched.events.append(("send", id(self), self._statuses()))
        if Watched.during_send is not None:
            Watched.during_send()
        return super().send_messages(messages)
