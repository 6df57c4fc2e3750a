import pytest

from scr.cases import status
from scr.cases.models import Case


@pytest.fixture
def decline_generic(monkeypatch):
    """'Decline' made generic for the test (no page of its own): the case page's 'Record a
    decision' offers and takes it. Every transition has its stage's page today, so this
    is how the generic path is tested."""
    custom = status.transition_custom(Case, "decline")
    monkeypatch.setitem(custom, "generic", True)
    monkeypatch.setitem(custom, "page", "")
