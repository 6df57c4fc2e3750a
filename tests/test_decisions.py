"""The accept-or-return decision form every stage's decision page builds on
(scr/decisions.py)."""

import pytest
from django import forms

from scr.decisions import Choice, DecisionForm


class Insisting(DecisionForm):
    accept = Choice("accept", "Accept it")
    send_back = Choice("return", "Return it")
    required_message = "Choose whether to accept it"
    reasons_name = "reason"
    reasons_label = "Reasons"
    reasons_help = "Needed when you return it."
    reasons_rows = 3
    reasons_max_length = 20
    reasons_needed = "Say why it goes back"


class Trusting(DecisionForm):
    """Leaves the reasons of a return to its service."""

    accept = Choice("agree", "Agree it")
    send_back = Choice("refuse", "Refuse it")
    due = forms.CharField(required=False)


def test_the_two_choices_in_order_and_the_reasons_field_with_its_wording():
    form = Insisting()
    assert list(form.fields) == ["decision", "reason"]
    decision, reason = form.fields["decision"], form.fields["reason"]
    assert decision.label == "Your decision"
    assert decision.choices == [("accept", "Accept it"), ("return", "Return it")]
    assert isinstance(decision.widget, forms.RadioSelect)
    assert reason.label == "Reasons"
    assert reason.help_text == "Needed when you return it."
    assert reason.widget.attrs["rows"] == 3
    assert reason.max_length == 20
    assert not reason.required


def test_a_subclass_fields_come_after_the_two():
    assert list(Trusting().fields) == ["decision", "comments", "due"]
    assert Trusting().fields["comments"].label == "Comments"
    assert Trusting().fields["comments"].widget.attrs["rows"] == 5


def test_no_answer_says_the_forms_own_message():
    form = Insisting({"reason": "x"})
    assert form.errors == {"decision": ["Choose whether to accept it"]}
    assert Trusting({}).errors["decision"] == ["Select your decision"]


def test_an_answer_that_is_not_a_choice_is_refused():
    form = Insisting({"decision": "maybe"})
    assert not form.is_valid()
    assert list(form.errors) == ["decision"]


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_return_without_reasons_is_refused_when_the_form_insists(reason):
    form = Insisting({"decision": "return", "reason": reason})
    assert form.errors == {"reason": ["Say why it goes back"]}


def test_a_return_with_reasons_and_an_accept_without_are_valid():
    returned = Insisting({"decision": "return", "reason": "Too short"})
    assert returned.is_valid() and not returned.accepted
    assert returned.cleaned_data["reason"] == "Too short"
    accepted = Insisting({"decision": "accept"})
    assert accepted.is_valid() and accepted.accepted


def test_a_form_that_does_not_insist_lets_a_bare_return_through():
    form = Trusting({"decision": "refuse"})
    assert form.is_valid() and not form.accepted
    agreed = Trusting({"decision": "agree"})
    assert agreed.is_valid() and agreed.accepted


def test_the_reasons_limit_applies():
    form = Insisting({"decision": "return", "reason": "x" * 21})
    assert list(form.errors) == ["reason"]


def test_a_prefix_names_the_fields_of_one_form_among_several():
    form = Insisting({"evidence-3-decision": "accept"}, prefix="evidence-3")
    assert form.is_valid() and form.accepted
    assert form["decision"].html_name == "evidence-3-decision"
