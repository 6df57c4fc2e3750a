"""For benchmarks: who signs in, and what they open."""

import time as clock

from django.db.models import Count
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.scale.fiction import DOMAIN, OVERVIEW_ENTRIES, PDF_IMR_ENTRIES, SCALE_PASSWORD
from bench.scale.rows import _model
from scr.accounts.models import Board, User
from scr.accounts.roles import Role, group_name
from scr.cases.stages import Stage


def scale_boards() -> list[Board]:
    return list(Board.objects.filter(coordinator_email__endswith=f"@{DOMAIN}").order_by("pk"))


def totp_code(user_id: int) -> str:
    """The code the person's authenticator shows now (their confirmed TOTPDevice's key,
    step, start and digits, as django-otp checks it); the next one if now's was used
    already (a code is accepted once; the device tolerates one step ahead)."""
    device = TOTPDevice.objects.get(user_id=user_id, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = clock.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def _person(user) -> dict:
    return {"id": user.pk, "email": user.email, "name": user.full_name} if user else None


def scale_personas(board_id: int | None = None) -> dict:
    """A typical person of each role on a seeded board (the first by default), the
    records with many entries the benchmarks open, and the pages to load as whom.
    Plain values (ids, emails, references, paths), ready for JSON."""
    Imr = _model("imr.Imr")
    Overview = _model("overview.Overview")
    boards = scale_boards()
    board = next((b for b in boards if b.pk == board_id), None) if board_id else boards[0]
    if board is None:
        raise LookupError("No seeded board: run seed_scale first")
    people = User.objects.filter(board=board)

    def holder(role: Role):
        return people.filter(groups__name=group_name(role)).order_by("pk").first()

    imrs = Imr.objects.filter(case__board=board).annotate(n=Count("entries"))
    draft = imrs.filter(status="chronology", case__stage=Stage.IMRS_IN_PROGRESS).order_by(
        "-n", "pk"
    )
    draft = draft.select_related("case", "author", "director", "agency").first()
    # The IMR PDF of the benchmarks: a version signed off for the board, about 500 entries.
    signed = imrs.filter(status__in=["panel_review", "revision", "accepted"])
    signed = signed.select_related("case", "agency").order_by("pk")
    pdf_imr = min(signed, key=lambda i: (abs(i.n - PDF_IMR_ENTRIES), i.pk), default=None)
    overviews = Overview.objects.filter(case__board=board).annotate(n=Count("entries"))
    # The overview PDF and merged chronology of the benchmarks: about 2,000 entries.
    overview = min(
        overviews.select_related("case").order_by("pk"),
        key=lambda o: (abs(o.n - OVERVIEW_ENTRIES), o.pk),
        default=None,
    )
    case = draft.case if draft else None
    assignments = case.assignments.select_related("user") if case else []
    on_case = {a.role: a.user for a in assignments}
    overview_author = (
        overview.case.assignments.filter(role=Role.OVERVIEW_AUTHOR).first().user
        if overview
        else None
    )
    users = {
        "coordinator": holder(Role.COORDINATOR),
        "board_chair": holder(Role.BOARD_CHAIR),
        "board_member": holder(Role.BOARD_MEMBER),
        "agency_lead": people.filter(
            agency=draft.agency, groups__name=group_name(Role.AGENCY_LEAD)
        ).first()
        if draft
        else holder(Role.AGENCY_LEAD),
        "referrer": on_case.get(Role.REFERRER) or holder(Role.REFERRER),
        "imr_author": draft.author if draft else None,
        "countersigning_director": draft.director if draft else None,
        "panel_chair": on_case.get(Role.PANEL_CHAIR),
        "panel_member": on_case.get(Role.PANEL_MEMBER),
        "overview_author": overview_author,
    }
    pages = [("My cases", "coordinator", reverse("cases:case-list"))]
    if case:
        pages += [
            ("Case page", "coordinator", reverse("cases:case-detail", args=[case.reference])),
            (
                "IMR chronology editor",
                "imr_author",
                reverse("imr:chronology", args=[case.reference, draft.agency_id]),
            ),
        ]
    pages.append(
        (
            "My deadlines",
            "imr_author" if draft else "coordinator",
            reverse("deadlines:my-deadlines"),
        )
    )
    if overview:
        pages.append(
            (
                "Merged chronology",
                "overview_author",
                reverse("overview:chronology", args=[overview.case.reference]),
            )
        )
    pages.append(("Monitoring dashboard", "coordinator", reverse("actionplans:monitoring")))
    return {
        "board": {"id": board.pk, "name": board.name},
        "password": SCALE_PASSWORD,
        "users": {role: _person(user) for role, user in users.items()},
        "case": {"id": case.pk, "reference": case.reference} if case else None,
        "imr": {
            "case": case.reference,
            "agency_id": draft.agency_id,
            "entries": draft.n,
        }
        if draft
        else None,
        "imr_for_pdf": {
            "case": pdf_imr.case.reference,
            "agency_id": pdf_imr.agency_id,
            "entries": pdf_imr.n,
        }
        if pdf_imr
        else None,
        "overview": {"case": overview.case.reference, "entries": overview.n} if overview else None,
        "pages": [{"name": n, "user": u, "path": p} for n, u, p in pages],
    }
