"""python manage.py render_document CASE_REF KIND --out FILE.pdf"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from scr.audit.services import Action, audit_record
from scr.cases.models import Case
from scr.cases.references import UnknownReference, case_by_reference
from scr.documents import registry
from scr.documents.render import render_pdf


class Command(BaseCommand):
    help = "Render a case document to PDF (an operator's command: it bypasses web sign-in)."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="Case reference, for example NSAB-SCR-2026-007")
        parser.add_argument("kind", help=f"Document kind: {', '.join(registry.kinds())}")
        parser.add_argument("--out", required=True, help="Where to write the PDF")
        parser.add_argument(
            "--board", help="Board name, for an older reference (SCR-2026-007) several boards have"
        )
        parser.add_argument("--agency", help="Agency name, for per-agency documents")

    def handle(self, *args, reference, kind, out, board=None, agency=None, **options):
        cases = Case.objects.filter(board__name=board) if board else None
        try:
            case = case_by_reference(reference, cases)
        except UnknownReference as error:
            raise CommandError(str(error)) from None
        try:
            document = registry.build(kind, case, **({"agency": agency} if agency else {}))
        except (LookupError, Http404) as error:
            # A builder says 404 for what the web would not find; here it is a message.
            raise CommandError(str(error)) from None
        pdf = render_pdf(document)
        Path(out).write_bytes(pdf)
        audit_record(
            action=Action.DOWNLOAD,
            obj=case,
            actor_label="render_document command",
            detail=f"document {kind}",
        )
        self.stdout.write(f"Wrote {out} ({len(pdf):,} bytes)")
