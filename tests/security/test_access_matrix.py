"""Deny by default (ASVS 4.1.3, 4.2.1): every URL of the project, asked for by GET as
every role, answers as the table below says, and anything the table does not allow is
refused: 404 where the person may not know the object, 403 where they may see it but
not do this. A URL added without a row fails test_every_url_has_a_row.

The world (tests/security/world.py) gives each URL real objects of board A: the main
case at its action plans, the drafting case (agency A's review being written, its
chronology signed off) and the review case (the overview being written). The sweep
(tests/security/conftest.py) asks for each page once per role; these tests read it.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.security.world import ADMIN_ROLES, ROLES, url_patterns

pytestmark = pytest.mark.django_db

LOGIN = "login"  # 302 to the sign-in page
SIGNED_IN = " ".join(role for role in ROLES if role != "anonymous")
# Everyone who sees the main case in full: its board-wide roles, the panel, the leads
# of its agencies (A, B: its referrer's, C), agency A's author and director (on it for
# their review) and the overview author.
MAIN_CASE = (
    "coordinator chair panel_chair panel_member lead_a lead_b lead_c author_a director_a "
    "overview_author"
)
# Who sees the stage of a case only: a board member, and the case's referrer.
STATUS_ONLY = "board_member referrer"
# Agency A's review is its own until signed off: its author, director and lead.
IMR_TEAM = "lead_a author_a director_a"
# Who read the versions agency A signed off (chronology, version 1).
IMR_READERS = "coordinator panel_chair panel_member overview_author"
# The confidential overview report and the summary before its release.
OVERVIEW_READERS = "coordinator chair panel_chair panel_member overview_author"
# Agency C's action plan: the board's side and the agency's lead.
PLAN_READERS = "coordinator chair lead_c"

# url name -> {status: roles}. "*": every role the row does not name. Anonymous is sent
# to sign in unless the row names it. 302: redirected elsewhere than sign-in (a page
# with nothing to do there). 405: the URL takes POST only (tested by test_idor.py).
EXPECTED: dict[str, dict] = {
    # The case (scr/cases). Home and 'My cases' list what each person may see.
    "cases:home": {200: SIGNED_IN},
    "cases:case-list": {200: SIGNED_IN},
    "cases:case-detail": {200: f"{MAIN_CASE} {STATUS_ONLY}", 404: "*"},
    "cases:case-document": {200: MAIN_CASE, 403: STATUS_ONLY, 404: "*"},
    # The panel (5 to 9): the panel's work is its chair's and the coordinator's.
    "panel:chair-decision": {302: "chair", 404: "author_b outsider", 403: "*"},
    "panel:meeting-new": {200: "coordinator panel_chair", 404: "author_b outsider", 403: "*"},
    "panel:attachment": {200: MAIN_CASE, 403: STATUS_ONLY, 404: "*"},
    "panel:terms-edit": {200: "coordinator panel_chair", 404: "author_b outsider", 403: "*"},
    "panel:media-new": {200: "chair", 404: "author_b outsider", 403: "*"},
    "panel:member-new": {200: "coordinator panel_chair", 404: "author_b outsider", 403: "*"},
    "panel:considerations": {200: "coordinator panel_chair", 404: "author_b outsider", 403: "*"},
    "panel:recommendation": {200: "panel_chair", 404: "author_b outsider", 403: "*"},
    "panel:records-confirm": {200: "lead_a", 404: "author_b outsider", 403: "*"},
    "panel:records-chase": {405: "*", "anonymous": 405},
    # Agency A's management review on the drafting case (10 to 12).
    "imr:commission": {200: "coordinator", 404: "lead_c outsider", 403: "*"},
    "imr:imr-detail": {200: f"{IMR_TEAM} {IMR_READERS}", 404: "*"},
    "imr:nominate": {200: "lead_a", 403: f"{IMR_READERS} author_a director_a", 404: "*"},
    "imr:appraisal": {200: "author_a", 403: f"{IMR_READERS} lead_a director_a", 404: "*"},
    "imr:submit": {405: "*", "anonymous": 405},
    "imr:version": {200: f"{IMR_TEAM} {IMR_READERS}", 404: "*"},
    "imr:preview": {200: IMR_TEAM, 404: "*"},
    "imr:countersign": {200: "director_a", 403: f"{IMR_READERS} lead_a author_a", 404: "*"},
    "imr:panel-review": {
        200: "coordinator panel_chair",
        403: f"{IMR_TEAM} panel_member overview_author",
        404: "*",
    },
    "imr:concern-new": {
        200: "coordinator panel_chair panel_member author_a",
        403: "lead_a director_a overview_author",
        404: "*",
    },
    "imr:history": {200: IMR_TEAM, 404: "*"},
    "imr:revision": {200: IMR_TEAM, 404: "*"},
    "imr:pdf": {200: f"{IMR_TEAM} {IMR_READERS}", 404: "*"},
    # The draft's own pages: the agency's alone, whatever else anyone may do.
    "imr:section-edit": {200: IMR_TEAM, 404: "*"},
    "imr:person-new": {200: IMR_TEAM, 404: "*"},
    "imr:person-edit": {200: IMR_TEAM, 404: "*"},
    "imr:recommendation-new": {200: IMR_TEAM, 404: "*"},
    "imr:recommendation-edit": {200: IMR_TEAM, 404: "*"},
    "imr:chronology": {200: IMR_TEAM, 404: "*"},
    "imr:chronology-import": {200: IMR_TEAM, 404: "*"},
    "imr:chronology-export": {200: IMR_TEAM, 404: "*"},
    "imr:entry-edit": {200: IMR_TEAM, 404: "*"},
    "imr:entry-move": {405: "*", "anonymous": 405},
    "imr:glossary": {200: IMR_TEAM, 404: "*"},
    "imr:checks": {200: IMR_TEAM, 404: "*"},
    # Board A's SAR: its register of requests for information (s45) is the board's
    # side's; agency A's lead reads and answers the requests made of agency A alone.
    "imr:s45-register": {200: "coordinator chair", 404: "*"},
    "imr:s45-new": {200: "coordinator chair", 404: "*"},
    "imr:s45-detail": {200: "coordinator chair lead_a", 404: "*"},
    "imr:s45-reply": {200: "coordinator chair lead_a", 404: "*"},
    "imr:s45-escalate": {200: "coordinator", 403: "chair lead_a", 404: "*"},
    "imr:s45-file": {200: "coordinator chair lead_a", 404: "*"},
    # The overview report being written on the review case (13); its start on the main.
    "overview:start": {200: "coordinator", 404: "author_b outsider", 403: "*"},
    "overview:overview-detail": {200: OVERVIEW_READERS, 404: "*"},
    "overview:section-edit": {200: OVERVIEW_READERS, 404: "*"},
    "overview:findings": {200: OVERVIEW_READERS, 404: "*"},
    "overview:finding-new": {200: "overview_author", 403: OVERVIEW_READERS, 404: "*"},
    "overview:finding-edit": {200: "overview_author", 403: OVERVIEW_READERS, 404: "*"},
    "overview:finding-remove": {405: "*", "anonymous": 405},
    "overview:recommendations": {200: OVERVIEW_READERS, 404: "*"},
    "overview:recommendation-new": {200: "overview_author", 403: OVERVIEW_READERS, 404: "*"},
    "overview:recommendation-edit": {200: "overview_author", 403: OVERVIEW_READERS, 404: "*"},
    "overview:recommendation-remove": {405: "*", "anonymous": 405},
    "overview:submit": {200: "overview_author", 403: OVERVIEW_READERS, 404: "*"},
    "overview:pdf": {200: OVERVIEW_READERS, 404: "*"},
    "overview:chronology": {200: OVERVIEW_READERS, 404: "*"},
    "overview:chronology-export": {200: OVERVIEW_READERS, 404: "*"},
    "overview:duplicates": {200: OVERVIEW_READERS, 404: "*"},
    "overview:entry-link": {405: "*", "anonymous": 405},
    "overview:entry-unlink": {405: "*", "anonymous": 405},
    "overview:timeline": {200: OVERVIEW_READERS, 404: "*"},
    "overview:family": {200: OVERVIEW_READERS, 404: "*"},
    "overview:family-merge": {405: "*", "anonymous": 405},
    "overview:family-not-same": {405: "*", "anonymous": 405},
    "overview:family-member-edit": {200: "overview_author", 403: OVERVIEW_READERS, 404: "*"},
    # The board's receipt (14) and the approved executive summary (15), on the main case.
    "overview:receipt": {200: OVERVIEW_READERS, 404: "*"},
    "overview:response-edit": {200: "coordinator", 403: OVERVIEW_READERS, 404: "*"},
    "overview:receipt-item": {200: "coordinator", 403: OVERVIEW_READERS, 404: "*"},
    "overview:summary": {200: OVERVIEW_READERS, 404: "*"},
    "overview:summary-start": {405: "*", "anonymous": 405},
    "overview:summary-edit": {403: OVERVIEW_READERS, 404: "*"},  # approved: nobody edits
    "overview:summary-waive": {405: "*", "anonymous": 405},
    "overview:summary-send": {405: "*", "anonymous": 405},
    "overview:summary-panel": {405: "*", "anonymous": 405},
    "overview:summary-approve": {405: "*", "anonymous": 405},
    "overview:summary-withdraw": {405: "*", "anonymous": 405},
    "overview:summary-recipient-add": {405: "*", "anonymous": 405},
    "overview:summary-recipient-remove": {405: "*", "anonymous": 405},
    "overview:summary-pdf": {200: OVERVIEW_READERS, 404: "*"},
    # Agency C's accepted action plan and the chair's letters (16).
    "actionplans:overview": {200: PLAN_READERS, 404: "*"},
    "actionplans:plan-detail": {200: PLAN_READERS, 404: "*"},
    "actionplans:plan-contacts": {200: "lead_c", 403: PLAN_READERS, 404: "*"},
    "actionplans:plan-submit": {405: "*", "anonymous": 405},
    "actionplans:plan-decide": {405: "*", "anonymous": 405},
    "actionplans:plan-pdf": {200: PLAN_READERS, 404: "*"},
    "actionplans:action-new": {200: "lead_c", 403: PLAN_READERS, 404: "*"},
    "actionplans:action-edit": {200: "lead_c", 403: PLAN_READERS, 404: "*"},
    "actionplans:action-remove": {200: "lead_c", 403: PLAN_READERS, 404: "*"},
    "actionplans:action-detail": {200: PLAN_READERS, 404: "*"},
    "actionplans:action-update": {405: "*", "anonymous": 405},
    "actionplans:evidence-upload": {405: "*", "anonymous": 405},
    "actionplans:evidence-download": {200: PLAN_READERS, 404: "*"},
    "actionplans:evidence-decide": {405: "*", "anonymous": 405},
    "actionplans:letters-draft": {405: "*", "anonymous": 405},
    "actionplans:letter-edit": {200: "coordinator chair", 404: "*"},
    "actionplans:letter-send": {200: "chair", 403: "coordinator", 404: "*"},
    "actionplans:letter-pdf": {200: PLAN_READERS, 404: "*"},
    "actionplans:monitoring": {200: "coordinator chair other_coordinator", 404: "*"},
    "actionplans:monitoring-export": {200: "coordinator chair other_coordinator", 404: "*"},
    "actionplans:action-evaluate": {200: "coordinator", 403: PLAN_READERS, 404: "*"},
    "actionplans:monitoring-start": {200: "coordinator", 404: "author_b outsider", 403: "*"},
    "actionplans:case-close": {200: "chair", 404: "author_b outsider", 403: "*"},
    "actionplans:case-reopen": {200: "chair", 404: "author_b outsider", 403: "*"},
    # Deadlines: everyone's own; the board's clocks for the coordinator and the chair.
    "deadlines:my-deadlines": {200: SIGNED_IN},
    "deadlines:board-deadlines": {200: "coordinator chair other_coordinator", 403: "*"},
    "deadlines:compliance": {200: "coordinator chair other_coordinator", 403: "*"},
    "deadlines:settings": {200: SIGNED_IN},
    "deadlines:calendar-create": {405: "*", "anonymous": 405},
    "deadlines:calendar-revoke": {405: "*", "anonymous": 405},
    # The secret address is the credential: calendar programs cannot sign in.
    "deadlines:calendar-feed": {200: "*", "anonymous": 200},
    # Agency C's lead owns the action's clock and has asked for more time.
    "deadlines:extension-request": {
        200: "coordinator lead_c",
        404: f"{STATUS_ONLY} author_b outsider",
        403: "*",
    },
    "deadlines:extension-decide": {200: MAIN_CASE, 404: "*"},
    # Referrals: the endorsed one opened the main case; the draft is its referrer's alone.
    "referrals:referral-list": {200: SIGNED_IN},
    "referrals:referral-new": {405: "*", "anonymous": 405},
    "referrals:referral-detail": {200: f"{MAIN_CASE} referrer", 404: "*"},
    "referrals:referral-edit": {200: "referrer", 404: "*"},
    # Signing in and one's own account.
    "accounts:sign-in": {302: SIGNED_IN, "anonymous": 200},
    "accounts:sign-out": {405: "*", "anonymous": 405},
    "accounts:two-factor": {302: SIGNED_IN},  # done already
    "accounts:two-factor-setup": {200: SIGNED_IN},
    "accounts:backup-codes": {302: SIGNED_IN},  # shown once, after setting up
    "accounts:account": {200: SIGNED_IN},
    "accounts:sessions": {200: SIGNED_IN},
    "accounts:keep-alive": {405: "*", "anonymous": 405},
    "accounts:session-status": {200: SIGNED_IN},
    "accounts:password-change": {200: SIGNED_IN},
    "accounts:password-reset": {200: "*", "anonymous": 200},
    "accounts:password-reset-sent": {200: "*", "anonymous": 200},
    "accounts:password-reset-confirm": {200: "*", "anonymous": 200},  # an invalid link
    "accounts:password-reset-complete": {200: "*", "anonymous": 200},
    # The user guide holds no case data.
    "guide-index": {200: "*", "anonymous": 200},
    "guide-page": {200: "*", "anonymous": 200},
}
# Open to everyone (200 by default): no case data, or a secret address.
PUBLIC = {
    "deadlines:calendar-feed",
    "accounts:password-reset",
    "accounts:password-reset-sent",
    "accounts:password-reset-confirm",
    "accounts:password-reset-complete",
    "guide-index",
    "guide-page",
}


def expected(key: str, role: str):
    row = EXPECTED[key]
    if role in row:
        return row[role]
    for status, roles in row.items():
        if isinstance(status, int) and roles != "*" and role in roles.split():
            return status
    if role == "anonymous":
        return LOGIN
    return next(status for status, roles in row.items() if roles == "*")


def outcome(answer):
    if answer.status == 302 and urlsplit(answer.location).path == reverse("accounts:sign-in"):
        return LOGIN
    return answer.status


def app_patterns() -> list[str]:
    return [key for key, route in url_patterns() if not route.startswith("admin/")]


def test_every_url_has_a_row():
    keys = [key for key, _ in url_patterns()]
    assert len(keys) == len(set(keys)), "two URL patterns share a name"
    assert set(app_patterns()) == set(EXPECTED), (
        "URLs without a row (add one to EXPECTED): "
        f"{sorted(set(app_patterns()) - set(EXPECTED))}; "
        f"rows without a URL: {sorted(set(EXPECTED) - set(app_patterns()))}"
    )


def test_the_table_denies_by_default():
    """Whatever a row does not name is refused, and anonymous is sent to sign in,
    except on the public pages, the sign-in page and the POST-only addresses."""
    for key, row in EXPECTED.items():
        default = next((status for status, roles in row.items() if roles == "*"), None)
        if key in PUBLIC:
            assert default == 200 and row.get("anonymous") == 200, key
            continue
        if default is None:
            named = " ".join(roles for status, roles in row.items() if isinstance(status, int))
            assert set(SIGNED_IN.split()) <= set(named.split()), key
        else:
            assert default in (403, 404, 405), key
        anonymous = row.get("anonymous", 405 if default == 405 else LOGIN)
        assert anonymous in (LOGIN, 405) or key == "accounts:sign-in", key
        for status, roles in row.items():
            if isinstance(status, int) and roles != "*":
                unknown = set(roles.split()) - set(ROLES)
                assert not unknown, f"{key}: unknown roles {unknown}"


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_role_gets_what_the_table_says(sweep, key):
    asked = [role for role in ROLES if ("a", key, role) in sweep.answers]
    assert asked, f"the world has no target for {key}"
    wrong = {
        role: (outcome(sweep.answers[("a", key, role)]), expected(key, role))
        for role in asked
        if outcome(sweep.answers[("a", key, role)]) != expected(key, role)
    }
    assert not wrong, f"{key}: role -> (got, expected): {wrong}"


def test_board_a_people_find_nothing_of_board_b(sweep):
    """Every page of board B's objects is 'not found' to every person of board A who
    may open that page on their own board, and to board A's coordinator everywhere."""
    wrong = {}
    for (board, key, role), answer in sweep.answers.items():
        if board != "b" or key.startswith("admin"):
            continue
        want = 200 if key == "deadlines:calendar-feed" else 404  # the address is the key
        if answer.status != want:
            wrong[(key, role)] = answer.status
    assert not wrong, wrong
    probed = {key for (board, key, _) in sweep.answers if board == "b"}
    assert {"cases:case-detail", "imr:chronology", "actionplans:evidence-download"} <= probed


def test_anonymous_posts_are_sent_to_sign_in(world, client):
    from tests.security.world import paths

    post_only = [key for key, row in EXPECTED.items() if row.get("anonymous") == 405]
    assert len(post_only) > 20
    targets = paths(world.a)
    for key in post_only:
        response = client.post(targets[key], {})
        assert response.status_code == 302, key
        assert urlsplit(response["Location"]).path == reverse("accounts:sign-in"), key


# The administration, as a group: only staff get in, and a coordinator only ever meets
# their own board's rows.


def admin_keys() -> list[str]:
    return [key for key, route in url_patterns() if route.startswith("admin/")]


def test_people_who_are_not_staff_are_sent_to_sign_in_by_the_administration(sweep):
    """Someone signed in who is not staff is refused at the administration's sign-in
    (403): sending them to sign in again would bring them straight back, a loop."""
    sign_in_pages = {reverse("admin:login"), reverse("accounts:sign-in"), reverse("admin:index")}
    for key in admin_keys():
        for role in ("anonymous", "outsider", "chair"):
            answer = sweep.answers[("a", key, role)]
            if key == "admin:login" and role != "anonymous":
                assert answer.status == 403, (key, role, answer.status)
                continue
            assert answer.status == 302, (key, role, answer.status)
            assert urlsplit(answer.location).path in sign_in_pages, (key, role, answer.location)


def test_a_coordinator_never_opens_another_boards_row_in_the_administration(sweep):
    """Board B's coordinator on board A's rows, and board A's coordinator on board B's:
    refused or sent away, never shown. (Groups are the roles themselves, of no board.)"""
    routes = dict(url_patterns())
    names_a_row = {
        key
        for key in admin_keys()
        if any(arg in routes[key] for arg in ("<path:object_id>", "<id>", "<int:pk>"))
        and "/auth/group/" not in routes[key]
    }
    assert len(names_a_row) > 20
    shown = [
        (board, key, role)
        for (board, key, role), answer in sweep.answers.items()
        if key in names_a_row
        and (board, role) in (("a", "other_coordinator"), ("b", "coordinator"))
        and answer.status == 200
    ]
    assert not shown
    asked = {role for (_, key, role) in sweep.answers if key.startswith("admin")}
    assert asked == set(ADMIN_ROLES)


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:cases_case_changelist",
        "admin:accounts_agency_changelist",
        "admin:accounts_user_changelist",
        "admin:accounts_board_changelist",
        "admin:audit_auditevent_changelist",
    ],
)
def test_a_coordinators_lists_in_the_administration_hold_their_board_alone(
    sweep, world, changelist
):
    mine = sweep.answers[("a", changelist, "coordinator")]
    theirs = sweep.answers[("a", changelist, "other_coordinator")]
    assert mine.status == theirs.status == 200
    page = mine.content.decode()
    assert "Otherton" not in page and "OTH-" not in page
    assert "Alphaton" in page or "SCR-" in page  # their own board's rows are listed
    page = theirs.content.decode()
    assert "Alphaton" not in page and "SCR-" not in page
    assert "Otherton" in page or "OTH-" in page
