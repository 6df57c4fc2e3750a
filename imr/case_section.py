"""The management reviews on the case page: who has been asked, where each review is,
and links for those who may open it (10, 11)."""

from django.urls import reverse

from imr import access as imr_access
from imr.models import DisciplinaryConcern, Imr
from imr.services import COMMISSION_STAGES
from scr.audit.services import Action, audit_record
from scr.cases import sections
from scr.cases.stages import MAIN_ROUTE, Stage

# Reviews exist from the decision to hold one (7, 10) to the end of the case.
IMR_STAGES = MAIN_ROUTE[MAIN_ROUTE.index(Stage.REVIEW_COMMISSIONED) :]


@sections.register
def imr_section(case, user, perms):
    if not imr_access.sees_imr_section(perms):
        return None
    if case.stage not in IMR_STAGES:
        return None
    imrs = list(
        Imr.objects.filter(case=case).select_related("agency", "author", "director", "case")
    )
    may_commission = imr_access.may_commission_imrs(perms) and case.stage in COMMISSION_STAGES
    if not imrs and not may_commission:
        return None
    signed = (
        set(
            imr_access.imr_signed_versions(None)
            .filter(imr__in=imrs)
            .values_list("imr_id", flat=True)
        )
        if imrs
        else set()
    )
    rows = []
    reader_role = imr_access.holds_imr_reader_role(user, case) if imrs else False
    for imr in imrs:
        roles = imr_access.imr_roles(user, imr, perms, reader_role)
        may_open = imr_access.may_open_imr(roles, imr.pk in signed)
        rows.append(
            {
                "imr": imr,
                "url": reverse("imr:imr-detail", args=[case.reference, imr.agency_id])
                if may_open
                else "",
                "nominate_url": reverse("imr:nominate", args=[case.reference, imr.agency_id])
                if imr_access.is_imr_lead(roles)
                else "",
            }
        )
    # Section 12: the chair reads the notes here (the report itself is not theirs).
    readable = [imr.pk for imr in imrs if imr_access.may_see_concerns(user, imr, perms)]
    notes = (
        list(DisciplinaryConcern.objects.filter(imr_id__in=readable).select_related("recorded_by"))
        if readable
        else []
    )
    concerns = [(imr, [n for n in notes if n.imr_id == imr.pk]) for imr in imrs]
    for imr, shown in concerns:
        if shown:
            # Section 12 notes are read here by the chair: each reading is audited.
            audit_record(
                action=Action.VIEW,
                actor=user,
                obj=imr,
                board=case.board,
                detail="section 12 notes on the case page",
            )
    return "imr/_case_section.html", {
        "concerns": [(imr, notes) for imr, notes in concerns if notes],
        "case": case,
        "rows": rows,
        "may_commission": may_commission,
        # The 2009 procedure's 6 weeks for the reviews to begin (10), where the type has it.
        "reviews_begin_clock": case.review_type.parsed.clock("imrs_begin") is not None,
        # Said while the overview is still to begin; the overview's own section says the rest.
        "all_accepted": case.stage == Stage.IMRS_IN_PROGRESS
        and bool(imrs)
        and all(i.status == Imr.Status.ACCEPTED for i in imrs),
    }
