"""Who may see and act on a referral (section 5), on the primitives of scr.access."""

from django.db.models import Q
from django.http import Http404

from referrals.models import Referral
from scr import access


def referrals_visible_to(user):
    """The user's own referrals, and, for an agency lead, their agency's referrals that
    wait for them or that they sent on. A draft, or one returned and being rewritten,
    is its referrer's alone; nobody else sees a referral before its lead endorses it."""
    if not access.is_active_board_user(user):
        return Referral.objects.none()
    mine = Q(referrer=user)
    if access.is_an_agency_lead(user):
        mine |= Q(agency_id=user.agency_id) & Q(
            status__in=[Referral.Status.SUBMITTED, Referral.Status.ENDORSED]
        )
    return Referral.objects.filter(mine, board_id=user.board_id)


def referral_for_user(user, referral_id: int, lock: bool = False) -> Referral:
    """A referral the user may see: theirs; their agency's, as its lead, once submitted;
    or one endorsed to the chair whose case they may see in full. 404 otherwise."""
    referrals = Referral.objects.select_related("case", "agency", "referrer")
    if lock:
        referrals = referrals.select_for_update(of=("self",))
    referral = referrals.filter(pk=referral_id, board_id=getattr(user, "board_id", None)).first()
    if referral is None or not access.is_active_board_user(user):
        raise Http404("No such referral")
    if referrals_visible_to(user).filter(pk=referral.pk).exists():
        return referral
    if (
        referral.status == Referral.Status.ENDORSED
        and referral.case_id
        and access.sees_case_in_full(access.case_permissions(user, referral.case))
    ):
        return referral
    raise Http404("No such referral")


def may_edit_referral(user, referral) -> bool:
    return referral.referrer_id == user.pk and referral.editable


def is_referrers_agency_lead(user, referral) -> bool:
    """Section 5: the referrer's agency representative on the board."""
    return access.is_agency_lead_of(user, referral.agency) and user.board_id == referral.board_id


def may_decide_referral(user, referral) -> bool:
    """The referrer's agency lead endorses or returns a submitted referral (5)."""
    return referral.status == referral.Status.SUBMITTED and is_referrers_agency_lead(user, referral)


def may_see_referral_on_case(perms: frozenset[str]) -> bool:
    """The referral is shown on the case page to those who see the case in full."""
    return access.sees_case_in_full(perms)
