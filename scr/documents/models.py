"""Documents rendered by a worker and kept: a long PDF is laid out outside the web
request (a chronology of 2,000 entries takes tens of seconds), and the page that asked
for it shows how far it has got."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class RenderedDocument(models.Model):
    """One PDF of one version of a document. `key` names the content it was made from
    (for example 'imr:12:draft:3456', the draft as at its last saved revision), so a
    document asked for again while nothing has changed is served from the file."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RENDERING = "rendering", "Being laid out"
        DONE = "done", "Ready"
        FAILED = "failed", "Could not be made"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="rendered_documents"
    )
    kind = models.CharField(max_length=50)
    key = models.CharField(max_length=200)
    # What registry.build needs besides the case (JSON: ids, not objects).
    options = models.JSONField(default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Under PRIVATE_FILES_ROOT, served only through the stage's permission checks.
    file_name = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    filename = models.CharField("Name to download as", max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # The step the worker is at, for the page that waits: "Laying out the pages".
    progress = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["case", "key"])]

    def __str__(self) -> str:
        return f"{self.kind} of {self.case_id} ({self.status})"

    @property
    def ready(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED


class DocumentPart(models.Model):
    """A laid-out part of a long document (scr.documents.pipeline), kept so that the next
    render of that document lays out only the parts that changed. `key` is a hash of
    everything the layout depends on (the part's HTML, WeasyPrint's version, the format);
    the file, in the private storage, is the part as laid_out.Part.encode() wrote it.

    It holds the case's content: it goes with the case (the cascade, and its file through
    scr.documents.retention), and once unused for DOCUMENT_PDF_PART_DAYS."""

    key = models.CharField(max_length=64, unique=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Swept by retention.document_parts_prune.
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"part {self.key[:12]} of case {self.case_id} ({self.pages} pages)"
