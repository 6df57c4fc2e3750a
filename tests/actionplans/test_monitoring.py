"""The board's monitoring page (16): every open action of the accepted plans across cases
and agencies, filters, pages, exports, query counts, and the evaluation of outcomes."""

import csv
import io
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import resolve, reverse
from openpyxl import load_workbook

from actionplans import closure_services
from actionplans.models import PlanAction
from scr.audit.models import AuditEvent
from scr.deadlines import calendar
from tests.actionplans.test_closure import ASC, accepted_plans, complete, write_plan

pytestmark = pytest.mark.django_db

URL = "/cases/monitoring/actions/"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def plans(planning, chair, coordinator, lead_c):
    """Both plans accepted: ASC's with two actions, the board's with one."""
    return accepted_plans(planning, chair, coordinator, lead_c, actions=2)


def _get(client, user, **params):
    client.force_login(user)
    return client.get(reverse("actionplans:monitoring"), params)


def test_the_url_does_not_clash_with_the_case_page():
    assert reverse("actionplans:monitoring") == URL
    assert resolve(URL).url_name == "monitoring"
    assert resolve(URL + "export.csv").url_name == "monitoring-export"


@pytest.mark.parametrize(
    "persona",
    ["lead_c", "board_member", "panel_chair", "referrer", "outsider"],
)
def test_only_the_coordinator_and_the_chair_see_the_monitoring(request, client, plans, persona):
    """Board members see only the stage of cases; the actions are the cases' detail."""
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404
    assert client.get(reverse("actionplans:monitoring-export", args=["csv"])).status_code == 404
    text = client.get(reverse("cases:home")).content.decode()
    assert URL not in text


def test_another_boards_coordinator_sees_none_of_this_boards_actions(
    client, plans, planning, other_coordinator
):
    text = _get(client, other_coordinator).content.decode()
    assert planning.reference not in text
    assert "No action is open." in text


def test_signed_out_people_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_the_page_lists_every_open_action_with_each_plans_progress(
    client, plans, planning, coordinator, chair
):
    for person in (coordinator, chair):
        response = _get(client, person)
        assert response.status_code == 200
        text = response.content.decode()
        assert re.search(rf'href="{URL}">\s*Monitoring\s*</a>', text)  # the header's link
        assert "3 open actions" in text
        assert planning.reference in text
        assert ASC in text and "The board" in text
        assert "Deliver training to team 2 on sharing visit outcomes." in text
        assert (calendar.today() + timedelta(days=31)).strftime("%d/%m/%Y") in text
        assert "0 of 2 actions complete" in text and "0 of 1 action complete" in text
        assert '<progress id="progress-' in text
        assert "No action is overdue." in text
        assert "STRICTLY CONFIDENTIAL" in text


def test_complete_actions_leave_the_list_and_move_the_progress(client, plans, coordinator):
    complete(PlanAction.objects.filter(plan=plans[ASC], position=1))
    text = _get(client, coordinator).content.decode()
    assert "2 open actions" in text
    assert "1 of 2 actions complete" in text
    open_part = text.split("Outcomes to evaluate")[0]
    assert open_part.count("Deliver training to team 1") == 1  # the board's, not ASC's


def test_actions_of_plans_not_accepted_are_not_listed(client, planning, chair, coordinator, lead_c):
    from tests.actionplans.test_closure import send_letters

    sent = send_letters(planning, chair)
    write_plan(sent[ASC], lead_c)
    text = _get(client, coordinator).content.decode()
    assert "No action is open." in text
    assert "not accepted yet" in text


def test_overdue_actions_are_tagged_and_counted_per_agency(client, plans, coordinator):
    noon = datetime.combine(calendar.today() + timedelta(days=31), time(12), tzinfo=LONDON)
    with time_machine.travel(noon, tick=False):
        text = _get(client, coordinator).content.decode()
        assert "Overdue</strong>" in text
        # ASC's first action (30 days) and the board's (30 days); ASC's second is due today.
        overdue = text.split("Overdue actions by agency", 1)[1].split('id="open-actions"')[0]
        assert ASC in overdue and "The board" in overdue
        only = _get(client, coordinator, state="overdue").content.decode()
        assert "2 open actions matching the filters" in only


def test_filters_by_agency_and_state(client, plans, coordinator, agency_c):
    text = _get(client, coordinator, agency=agency_c.pk).content.decode()
    assert "2 open actions matching the filters" in text
    text = _get(client, coordinator, agency="board").content.decode()
    assert "1 open action matching the filters" in text
    PlanAction.objects.filter(plan=plans[ASC], position=2).update(
        progress=PlanAction.Progress.IN_PROGRESS  # test-only: the agency's update sets it
    )
    text = _get(client, coordinator, state="in_progress").content.decode()
    assert "1 open action matching the filters" in text
    assert "Deliver training to team 2" in text
    text = _get(client, coordinator, agency=agency_c.pk, state="not_started").content.decode()
    assert "1 open action matching the filters" in text
    assert "Deliver training to team 1" in text


def test_an_unknown_filter_is_an_error_not_a_crash(client, plans, coordinator):
    response = _get(client, coordinator, agency="999999", state="lost")
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "3 open actions" in text  # unfiltered


@pytest.fixture
def many(planning, chair, coordinator, lead_c):
    """60 open actions: 59 of ASC and 1 of the board."""
    return accepted_plans(planning, chair, coordinator, lead_c, actions=59)


def test_fifty_a_page_and_the_filters_kept_across_pages(client, many, coordinator, agency_c):
    text = _get(client, coordinator).content.decode()
    assert "60 open actions" in text
    assert text.count('<td class="govuk-table__cell">Deliver training') == 50
    assert "Page 1 of 2" in text
    text = _get(client, coordinator, agency=agency_c.pk).content.decode()
    assert f"?agency={agency_c.pk}&amp;page=2" in text
    text = _get(client, coordinator, agency=agency_c.pk, page=2).content.decode()
    assert text.count('<td class="govuk-table__cell">Deliver training') == 9


@pytest.mark.parametrize("actions", [4, 59])  # 5 and 60 actions with the board's
def test_the_page_takes_a_fixed_number_of_queries(
    client, planning, chair, coordinator, lead_c, actions, django_assert_max_num_queries
):
    plans = accepted_plans(planning, chair, coordinator, lead_c, actions=actions)
    closure_services.monitoring_start(case_id=planning.pk, by=coordinator)
    complete(PlanAction.objects.filter(plan=plans[ASC], position__lte=2))
    client.force_login(coordinator)
    with django_assert_max_num_queries(13):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(7):
        assert (
            client.get(reverse("actionplans:monitoring-export", args=["xlsx"])).status_code == 200
        )


def test_exports_of_the_filtered_rows_neutralise_formulas(
    client, planning, chair, coordinator, lead_c, agency_c
):
    accepted_plans(planning, chair, coordinator, lead_c, actions=2)
    PlanAction.objects.filter(plan__agency=agency_c, position=1).update(
        text='=HYPERLINK("http://evil.example","x")'  # as an agency might type it
    )
    client.force_login(coordinator)
    url = reverse("actionplans:monitoring-export", args=["csv"])
    response = client.get(url, {"agency": agency_c.pk})
    assert response["Content-Disposition"].startswith('attachment; filename="open-actions-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Case", "Plan of", "Action", "Key action", "Date", "State"]
    assert len(rows) == 3  # ASC's two actions only
    assert {r[1] for r in rows[1:]} == {ASC}
    assert rows[1][3] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[1][5] == "Not started"

    response = client.get(reverse("actionplans:monitoring-export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 4  # every open action
    assert values[1][0] == planning.reference
    assert any(str(v[3]).startswith("'=HYPERLINK") for v in values[1:])
    assert not any(str(v[3]).startswith("=") for v in values[1:])

    exports = AuditEvent.objects.filter(action="export", actor=coordinator).order_by("pk")
    assert [e.detail for e in exports] == [
        "open actions csv; filtered by agency",
        "open actions xlsx",
    ]


def test_an_unknown_export_format_is_not_found(client, plans, coordinator):
    client.force_login(coordinator)
    assert client.get(URL + "export.pdf").status_code == 404


# Evaluating outcomes ---------------------------------------------------------------------


def _evaluate_url(action):
    return reverse(
        "actionplans:action-evaluate", args=[action.plan.case.reference, action.plan_id, action.pk]
    )


def test_the_coordinator_records_how_an_outcome_was_evaluated(client, plans, coordinator, chair):
    action = PlanAction.objects.get(plan=plans[ASC], position=1)
    complete(PlanAction.objects.filter(pk=action.pk))
    text = _get(client, coordinator).content.decode()
    assert _evaluate_url(action) in text
    assert _evaluate_url(action) not in _get(client, chair).content.decode()  # listed only

    client.force_login(coordinator)
    response = client.post(_evaluate_url(action), {"text": "  "})
    assert response.status_code == 400
    assert "Enter how the outcome was evaluated" in response.content.decode()
    response = client.post(_evaluate_url(action), {"text": "Audit of 10 visits: 9 shared."})
    assert response.status_code == 302
    assert PlanAction.objects.get(pk=action.pk).outcome_evaluated == (
        "Audit of 10 visits: 9 shared."
    )
    text = client.get(response["Location"]).content.decode()
    assert "The evaluation of action 1.1 is recorded." in text
    assert "No complete action is waiting for its outcome to be evaluated." in text


@pytest.mark.parametrize(
    ("persona", "status"), [("chair", 403), ("lead_c", 403), ("outsider", 404)]
)
def test_only_the_coordinator_evaluates(request, client, plans, persona, status):
    action = PlanAction.objects.get(plan=plans[ASC], position=1)
    complete(PlanAction.objects.filter(pk=action.pk))
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_evaluate_url(action)).status_code == status
    assert client.post(_evaluate_url(action), {"text": "x"}).status_code == status
    assert PlanAction.objects.get(pk=action.pk).outcome_evaluated == ""


def test_an_outcome_is_evaluated_once_and_only_when_complete(plans, planning, coordinator, chair):
    action = PlanAction.objects.get(plan=plans[ASC], position=1)
    key = {"case_id": planning.pk, "plan_id": plans[ASC].pk, "action_id": action.pk}
    with pytest.raises(ValidationError, match="not complete yet"):
        closure_services.action_outcome_record(**key, by=coordinator, text="Too early.")
    complete(PlanAction.objects.filter(pk=action.pk))
    with pytest.raises(PermissionDenied):
        closure_services.action_outcome_record(**key, by=chair, text="Not mine.")
    closure_services.action_outcome_record(**key, by=coordinator, text="Audited.")
    with pytest.raises(ValidationError, match="has been evaluated"):
        closure_services.action_outcome_record(**key, by=coordinator, text="Again.")
    assert AuditEvent.objects.filter(detail="action 1.1 outcome evaluated").count() == 1


def test_the_page_names_each_case_s_adult_beside_its_reference(
    client, plans, planning, coordinator
):
    """#19: the coordinator and the chair see every case of the board in full."""
    text = _get(client, coordinator).content.decode()
    assert f'{planning.reference}</a><br><span class="govuk-body-s">{planning.subject_name}' in text
    assert f"Case {planning.reference}</a> ({planning.subject_name})" in text
