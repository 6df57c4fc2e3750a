"""The emails of the management reviews (10, 11, Appendix C): who is told of each event.
imr.services records the event; the outbox runs imr_notify after commit (a job
registered in imr.apps)."""

from django.contrib.auth import get_user_model

from imr.models import Imr, ImrSubmission, Part
from scr.accounts.roles import Role, group_name
from scr.dates import day_text
from scr.deadlines.models import Deadline

# Emails. They leave the service: the reference, the agency and dates, never content.

EVENTS = {
    "invited": (
        "Management review asked of {agency} on case {reference}",
        "The board has decided to hold a Serious Case Review (case {reference}) and asks "
        "{agency} for an Individual Management Review (section 10 of the procedure). As the "
        "agency's lead, please nominate the author, who must have had no operational "
        "involvement in the case, and the director who will countersign the report.",
        "Nominate the author",
    ),
    "nominated": (
        "You are on the management review of {agency} for case {reference}",
        "{agency} has nominated {author} to write its Individual Management Review for case "
        "{reference}, and {director} to countersign it. Please begin within 6 weeks of the "
        "decision to review (section 10) and record the rapid appraisal early.",
        "Open the review",
    ),
    "appraisal_needed": (
        "Immediate changes to practice needed: {agency}, case {reference}",
        "The author of the management review of {agency} for case {reference} has recorded "
        "in the rapid appraisal (section 10) that immediate changes to practice or "
        "procedure are needed.",
        "Read the appraisal",
    ),
    "submitted": (
        "For your countersignature: {agency} management review, case {reference}",
        "{author} has submitted version {version} of the management review ({part}) of "
        "{agency} for case {reference}. Please sign it off for the agency, or return it to "
        "the author with what to change.",
        "Read and countersign",
    ),
    "countersigned": (
        "Countersigned: {agency} management review, case {reference}",
        "{director} has countersigned version {version} of the management review ({part}) "
        "of {agency} for case {reference}.",
        "Open the review",
    ),
    "director_returned": (
        "Returned to you: {agency} management review, case {reference}",
        "{director} has returned version {version} of the management review ({part}) of "
        "{agency} for case {reference} with comments. Please revise it and submit it again.",
        "Read the comments",
    ),
    "panel_returned": (
        "Returned for revision by the panel: {agency}, case {reference}",
        "The Serious Case Review Panel has returned the management review of {agency} for "
        "case {reference} for revision (Appendix C). The revised report is due on {due}.",
        "Read the panel's comments",
    ),
    "panel_accepted": (
        "Accepted by the panel: {agency} management review, case {reference}",
        "The Serious Case Review Panel has accepted the management review of {agency} for "
        "case {reference}. Thank you.",
        "Open the review",
    ),
    "concern_recorded": (
        "Confidential note on case {reference}: {agency}",
        "A confidential note under section 12 of the procedure (disciplinary process) has "
        "been recorded about {agency} on case {reference}. Only the agency's lead, the "
        "coordinator and the board chair can read it.",
        "Read the note",
    ),
}


def _people(*users):
    return {user for user in users if user is not None and user.is_active}


def _board_people(imr: Imr, role: Role):
    return get_user_model().objects.filter(
        board=imr.case.board, is_active=True, groups__name=group_name(role)
    )


def _recipients(imr: Imr, event: str) -> set:
    leads = get_user_model().objects.filter(
        board=imr.case.board,
        agency=imr.agency,
        is_active=True,
        groups__name=group_name(Role.AGENCY_LEAD),
    )
    coordinators = _board_people(imr, Role.COORDINATOR)
    chairs = _board_people(imr, Role.BOARD_CHAIR)
    panel_chairs = [
        a.user for a in imr.case.assignments.filter(role=Role.PANEL_CHAIR).select_related("user")
    ]
    if event == "invited":
        return _people(*leads)
    if event == "nominated":
        return _people(imr.author, imr.director)
    if event in ("appraisal_needed", "concern_recorded"):
        extra = leads if event == "concern_recorded" else []
        return _people(*coordinators, *chairs, *extra)
    if event == "submitted":
        return _people(imr.director)
    if event == "director_returned":
        return _people(imr.author)
    if event == "countersigned":
        return _people(imr.author, *coordinators, *panel_chairs)
    return _people(imr.author, imr.director, *leads, *coordinators)


def imr_notify(*, imr_id: int, event: str, submission_id: int | None = None) -> int:
    """Email the people an IMR event concerns (an outbox job, run after commit)."""
    from django.urls import reverse

    from scr.notify import notify_people

    imr = Imr.objects.select_related("case__board", "agency", "author", "director").get(pk=imr_id)
    subject, body, action = EVENTS[event]
    submission = (
        ImrSubmission.objects.filter(pk=submission_id, imr=imr).first() if submission_id else None
    )
    due = (
        Deadline.objects.live()
        .filter(case=imr.case, agency=imr.agency, kind=Deadline.Kind.IMR_REPORT)
        .values_list("due", flat=True)
        .first()
    )
    words = {
        "agency": imr.agency.name,
        "reference": imr.case.reference,
        "author": imr.author.full_name if imr.author else "the author",
        "director": imr.director.full_name if imr.director else "the director",
        "version": submission.number if submission else "",
        "part": Part(submission.part).label.lower() if submission else "",
        "due": day_text(due) if due else "",
    }
    url = reverse("imr:imr-detail", args=[imr.case.reference, imr.agency_id])
    if event == "invited":
        url = reverse("imr:nominate", args=[imr.case.reference, imr.agency_id])
    elif event == "submitted":
        url = reverse("imr:countersign", args=[imr.case.reference, imr.agency_id])
    elif event == "concern_recorded":
        # The chair reads section 12 notes on the case page, not in the report.
        url = reverse("cases:case-detail", args=[imr.case.reference])
    return notify_people(
        template="imr_event",
        recipients=_recipients(imr, event),
        context={
            "subject": subject.format(**words),
            "body": body.format(**words),
            "action": action,
            "url": url,
            "board": imr.case.board,
        },
    )


# Requests for information under section 45 of the Care Act 2014 (imr.s45_services).
# The standard statement of the power goes out, never the words asked or replied.

S45_EVENTS = {
    "asked": (
        "Request for information under section 45 of the Care Act 2014: case {reference}",
        "{board} asks {agency} for information for the Safeguarding Adults Review on case "
        "{reference}. {basis} Please reply by {due}. As the agency's lead, sign in to read "
        "what is asked and to record the reply.",
        "Read the request",
    ),
    "replied": (
        "Reply received: request for information on case {reference}",
        "The reply of {agency} to the request for information under section 45 of the Care "
        "Act 2014 on case {reference} has been recorded.",
        "Read the reply",
    ),
    "escalated": (
        "Escalated to you: request for information on case {reference}",
        "The coordinator has escalated to you the request for information under section 45 "
        "of the Care Act 2014 made of {agency} on case {reference} (reply due {due}). "
        "Please read the reason and decide what the board does next.",
        "Read the request",
    ),
}


def s45_notify(*, request_id: int, event: str) -> int:
    """Email the people a section 45 request concerns (an outbox job, run after commit):
    the agency's leads when asked, the coordinators when a reply is recorded, the chairs
    when it is escalated."""
    from django.urls import reverse

    from imr.models import S45_LEGAL_BASIS, InformationRequest
    from scr.notify import notify_people

    request = InformationRequest.objects.select_related("case__board", "agency").get(pk=request_id)
    case = request.case
    subject, body, action = S45_EVENTS[event]
    words = {
        "board": case.board.name,
        "agency": request.agency.name if request.agency_id else "a person outside the board",
        "reference": case.reference,
        "basis": S45_LEGAL_BASIS,
        "due": day_text(request.due_on),
    }
    people = get_user_model().objects.filter(board=case.board, is_active=True)
    if event == "asked":
        if request.agency_id is None or not request.is_waiting:
            return 0
        recipients = people.filter(agency=request.agency, groups__name=group_name(Role.AGENCY_LEAD))
    elif event == "replied":
        recipients = people.filter(groups__name=group_name(Role.COORDINATOR))
    else:
        recipients = people.filter(groups__name=group_name(Role.BOARD_CHAIR))
    return notify_people(
        template="imr_event",
        recipients=set(recipients),
        context={
            "subject": subject.format(**words),
            "body": body.format(**words),
            "action": action,
            "url": reverse("imr:s45-detail", args=[case.reference, request.pk]),
            "board": case.board,
        },
    )
