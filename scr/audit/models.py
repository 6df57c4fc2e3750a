"""The append-only audit trail: who did what to which object, and when, never the
content (AuditEvent); and the change history of the written work, before and after
(ChangeRecord). Neither is ever changed or removed: the models refuse it here, and the
database refuses it too (migration 0003, triggers). The one exception is retention,
which deletes a closed case's change records with the rest of its content."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from scr.dates import moment_text


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit rows cannot be deleted.")

    update.queryset_only = True
    delete.queryset_only = True


class AppendOnlyModel(models.Model):
    """Rows are added, never changed or removed."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit rows cannot be deleted.")


class AuditEvent(AppendOnlyModel):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        DOWNLOAD = "download", "Downloaded"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        TRANSITION = "transition", "Moved stage"
        ASSIGN = "assign", "Assigned"
        UNASSIGN = "unassign", "Unassigned"
        EXPORT = "export", "Exported"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGN_OUT = "sign_out", "Signed out"
        ACCESS_DENIED = "access_denied", "Access refused"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        DENIED = "denied", "Denied"
        FAILED = "failed", "Failed"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as typed, so a failed sign-in with an unknown address is still recorded.
    actor_label = models.CharField(max_length=254, blank=True)
    board = models.ForeignKey(
        "accounts.Board", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    # A label such as a case reference or a document kind: never case content.
    object_label = models.CharField(max_length=100, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{moment_text(self.at)} {self.actor_label} {self.action} {self.object_label}"


class ChangeRecord(AppendOnlyModel):
    """One field of the written work changed: its value before and after, by whom, when.

    Unlike AuditEvent this holds content, so it is shown only to people who may read the
    object: in the admin, to the coordinator of the board, and never a row whose object
    is an agency's own (`agency`: an IMR draft is its agency's alone, scr.access)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    board = models.ForeignKey("accounts.Board", on_delete=models.PROTECT, related_name="+")
    # Set when only that agency's people may read the object (an IMR and its draft).
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The case the object belongs to, by id and without a foreign key: retention deletes
    # a closed case's records with the rest of its content (change_records_delete).
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50)
    # A public name: the case reference and what the object is ("finding 3").
    object_label = models.CharField(max_length=100, blank=True)
    field = models.CharField(max_length=100)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{moment_text(self.at)} {self.object_label} {self.field}"
