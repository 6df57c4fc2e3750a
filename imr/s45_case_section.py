"""The requests for information under section 45 of the Care Act 2014 on a SAR's case
page: the register's summary for the coordinator and the chair, and for the lead of an
agency asked its own agency's requests alone."""

from django.urls import reverse

from imr import access as imr_access
from imr.models import InformationRequest
from scr.cases import sections
from scr.cases.stages import FINAL_STAGES
from scr.deadlines import calendar


@sections.register
def s45_section(case, user, perms):
    if not imr_access.has_s45_register(case):
        return None
    manages = imr_access.may_manage_s45(perms)
    if manages:
        requests = InformationRequest.objects.filter(case=case).select_related("agency")
    else:
        requests = imr_access.s45_requests_answered_by(user, case).select_related("agency")
    requests = list(requests)
    if not manages and not requests:
        return None
    today = calendar.today()
    return "imr/_s45_case_section.html", {
        "case": case,
        "manages": manages,
        "may_ask": manages and case.stage not in FINAL_STAGES,
        "rows": [
            {
                "request": r,
                "url": reverse("imr:s45-detail", args=[case.reference, r.pk]),
                "late": r.is_late(today),
            }
            for r in requests
        ],
        "waiting": sum(1 for r in requests if r.is_waiting),
        "overdue": sum(1 for r in requests if r.is_waiting and r.is_late(today)),
    }
