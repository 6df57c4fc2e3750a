"""python manage.py import_chronology CASE_REF AGENCY_NAME FILE [--as EMAIL]

Imports a chronology spreadsheet (XLSX or CSV) into an agency's IMR exactly as the web
import does: every row checked first, nothing imported if any row is wrong, each problem
printed with its row as the spreadsheet numbers it (the header is row 1).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from imr import draft_services, spreadsheet
from imr.models import Imr
from imr.selectors import terms_of_reference
from scr import uploads
from scr.audit.services import Action, audit_record
from scr.cases.models import Case
from scr.cases.references import UnknownReference, case_by_reference


class Command(BaseCommand):
    help = (
        "Import a chronology spreadsheet (XLSX or CSV) into an agency's IMR, as its author "
        "(an operator's command: it bypasses web sign-in, not the IMR's permissions)."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="Case reference, for example NSAB-SCR-2026-007")
        parser.add_argument("agency", help="Agency name, as the case's IMRs name it")
        parser.add_argument("file", help="The chronology: an .xlsx workbook or a CSV file")
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="Import as this user (the IMR's author by default)",
        )
        parser.add_argument(
            "--board", help="Board name, for an older reference (SCR-2026-007) several boards have"
        )

    def handle(self, *args, reference, agency, file, as_email=None, board=None, **options):
        case = self._case(reference, board)
        imr = self._imr(case, agency)
        user = self._user(imr, as_email)
        data = self._read(Path(file))
        numbers = {term["number"] for term in terms_of_reference(case)[0]}
        try:
            rows = spreadsheet.read_chronology(data, Path(file).name, term_numbers=numbers)
            count = draft_services.chronology_import(
                case_id=case.pk, agency_id=imr.agency_id, by=user, rows=rows
            )
        except spreadsheet.SpreadsheetError as error:
            for problem in error.errors:
                self.stderr.write(str(problem))
            total = len(error.errors)
            raise CommandError(
                f"Nothing was imported: {total} problem{'s' if total != 1 else ''} to fix in {file}"
            ) from None
        except PermissionDenied:
            raise CommandError(
                f"{user.email} is not the author of the IMR of {imr.agency.name} on "
                f"{case.reference}: only its author may import a chronology"
            ) from None
        except Http404:
            raise CommandError(
                f"{user.email} may not see the IMR of {imr.agency.name} on {case.reference}"
            ) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        audit_record(
            action=Action.CHANGE,
            obj=imr,
            label=case.reference,
            actor_label="import_chronology command",
            detail=f"chronology import of {count} entries as {user.email}",
            board=case.board,
        )
        self.stdout.write(
            f"Imported {count} entries into the chronology of {imr.agency.name} on {case.reference}"
        )

    def _case(self, reference: str, board: str | None) -> Case:
        cases = Case.objects.filter(board__name__iexact=board.strip()) if board else None
        try:
            return case_by_reference(reference, cases)
        except UnknownReference as error:
            raise CommandError(str(error)) from None

    def _imr(self, case: Case, agency: str) -> Imr:
        imrs = Imr.objects.filter(case=case).select_related("agency", "author")
        imr = imrs.filter(agency__name__iexact=agency.strip()).first()
        if imr is None:
            names = list(imrs.values_list("agency__name", flat=True))
            known = f"its IMRs are of {', '.join(names)}" if names else "it has no IMRs yet"
            raise CommandError(f"No IMR of '{agency}' on case {case.reference}: {known}")
        return imr

    def _user(self, imr: Imr, email: str | None):
        if email is None:
            if imr.author is None:
                raise CommandError(
                    f"The IMR of {imr.agency.name} on {imr.case.reference} has no author yet: "
                    "the agency's lead nominates one first"
                )
            return imr.author
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email {email}")
        if not user.is_active:
            raise CommandError(f"{user.email} is not an active user")
        return user

    def _read(self, path: Path) -> bytes:
        try:
            with path.open("rb") as handle:
                # The web import's limit: a chronology of 5,000 rows fits well inside it.
                data = handle.read(uploads.MAX_UPLOAD_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        if len(data) > uploads.MAX_UPLOAD_BYTES:
            limit = uploads.size_text(uploads.MAX_UPLOAD_BYTES)
            raise CommandError(f"{path} is larger than {limit}: split the chronology")
        return data
