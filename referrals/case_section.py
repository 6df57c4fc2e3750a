"""The referral, on the case page of those who may see the case in full."""

from referrals.criteria import assess
from scr.cases import sections
from scr.cases.models import CasePerm


@sections.register
def referral_section(case, user, perms):
    if CasePerm.VIEW not in perms:
        return None
    referral = getattr(case, "referral", None)
    if referral is None:
        return None
    return "referrals/_case_section.html", {"referral": referral, "findings": assess(referral)}
