"""The IMR stage's entries in 'Needs your attention'."""

from django.db.models import Q
from django.urls import reverse

from imr import access as imr_access
from imr.models import Imr, ImrSubmission
from imr.services import COMMISSION_STAGES
from scr import access
from scr.attention import AttentionItem, register
from scr.deadlines.models import Deadline


def _url(imr: Imr, name: str = "imr:imr-detail") -> str:
    return reverse(name, args=[imr.case.reference, imr.agency_id])


@register
def commission_reviews(user):
    """For the coordinator: a review decided on, with no agency yet asked (10)."""
    if not access.oversees_board_deadlines(user):
        return
    cases = list(
        access.cases_visible_to(user)
        .filter(stage=COMMISSION_STAGES[0], imrs=None)
        .prefetch_related("deadlines")
    )
    perms = access.permissions_for_cases(user, cases)
    for case in cases:
        if not imr_access.may_commission_imrs(perms[case.pk]):
            continue
        due = next(
            (
                d.due
                for d in case.deadlines.all()
                if d.kind == Deadline.Kind.IMRS_BEGIN and d.is_live
            ),
            None,
        )
        yield AttentionItem(
            case_reference=case.reference,
            title="Commission the management reviews",
            url=reverse("imr:commission", args=[case.reference]),
            due=due,
            hint="The reviews begin within 6 weeks of the decision (10)",
        )


@register
def imr_work(user):
    """In one query: nominations for a lead, drafts for an author, versions for a
    director to sign off, and countersigned reports for the panel to review."""
    if not user.is_authenticated or not user.board_id:
        return
    mine = Q(author=user) | Q(director=user)
    if access.is_an_agency_lead(user):
        mine |= Q(agency_id=user.agency_id, status=Imr.Status.NOMINATING)
    mine |= Q(
        status=Imr.Status.PANEL_REVIEW,
        case__in=access.cases_visible_to(user, full=True).values("pk"),
    )
    imrs = list(
        Imr.objects.filter(mine, case__board_id=user.board_id)
        .exclude(status=Imr.Status.ACCEPTED)
        .select_related("case", "agency")
    )
    if not imrs:
        return
    clocks = {
        (d.case_id, d.agency_id, d.kind): d.due
        for d in Deadline.objects.live().filter(
            case_id__in={i.case_id for i in imrs},
            kind__in=[Deadline.Kind.IMR_CHRONOLOGY, Deadline.Kind.IMR_REPORT],
        )
    }
    waiting = set(
        ImrSubmission.objects.filter(
            imr__in=imrs, status=ImrSubmission.Status.WITH_DIRECTOR
        ).values_list("imr_id", flat=True)
    )
    reviewing = [i.case for i in imrs if i.status == Imr.Status.PANEL_REVIEW]
    perms = access.permissions_for_cases(user, reviewing) if reviewing else {}
    for imr in imrs:
        due = clocks.get
        if imr.status == Imr.Status.NOMINATING and imr.author_id != user.pk:
            yield AttentionItem(
                case_reference=imr.case.reference,
                title=f"Nominate the author of the {imr.agency.name} management review",
                url=_url(imr, "imr:nominate"),
                due=due((imr.case_id, imr.agency_id, Deadline.Kind.IMR_CHRONOLOGY)),
            )
        elif imr.author_id == user.pk and imr.status in TITLES:
            chronology = imr.status == Imr.Status.CHRONOLOGY
            kind = Deadline.Kind.IMR_CHRONOLOGY if chronology else Deadline.Kind.IMR_REPORT
            yield AttentionItem(
                case_reference=imr.case.reference,
                title=TITLES[imr.status],
                url=_url(imr),
                due=due((imr.case_id, imr.agency_id, kind)),
                hint=imr.agency.name,
            )
        elif imr.director_id == user.pk and imr.pk in waiting:
            yield AttentionItem(
                case_reference=imr.case.reference,
                title="Countersign the management review",
                url=_url(imr, "imr:countersign"),
                hint=imr.agency.name,
            )
        elif imr.status == Imr.Status.PANEL_REVIEW and imr_access.may_review_imr(
            user, imr, perms.get(imr.case_id, frozenset())
        ):
            yield AttentionItem(
                case_reference=imr.case.reference,
                title=f"Review the {imr.agency.name} management review",
                url=_url(imr, "imr:panel-review"),
                hint="Accept it, or return it for revision (Appendix C)",
            )


TITLES = {
    Imr.Status.CHRONOLOGY: "Write the chronology and family composition",
    Imr.Status.REPORT: "Write the management review",
    Imr.Status.REVISION: "Revise the management review",
}
