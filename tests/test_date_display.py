"""One display of dates everywhere (issue 19): dd/mm/yyyy on pages, in emails and in PDFs,
through scr.dates.day_text / moment_text and the template filters |day and |moment.
Appendix C's own form (dd/mm/yy, a year in full where two digits would be read as
another century) is FuzzyDate.appendix_c(), used only by the chronology spreadsheet."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.template import engines

from scr.dates import FuzzyDate, Precision, day_text, moment_text

ROOT = Path(__file__).resolve().parent.parent
CODE = ["scr", "referrals", "panel", "imr", "overview", "actionplans"]


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_a_day_shows_as_dd_mm_yyyy_whatever_it_is():
    assert day_text(date(2025, 12, 8)) == "08/12/2025"
    assert day_text(date(1925, 2, 3)) == "03/02/1925"
    # A moment shows the day it was in London: 23:30 UTC on a summer evening is tomorrow.
    assert day_text(datetime(2025, 6, 30, 23, 30, tzinfo=UTC)) == "01/07/2025"
    assert moment_text(datetime(2025, 6, 30, 23, 30, tzinfo=UTC)) == "01/07/2025 00:30"
    assert day_text(None) == day_text("") == moment_text(None) == ""


def test_a_chronology_date_shows_as_every_other_date():
    assert FuzzyDate(date(2025, 2, 3), Precision.DAY).display() == "03/02/2025"
    assert FuzzyDate(date(1925, 2, 3), Precision.DAY, True).display() == "?03/02/1925"
    assert FuzzyDate(date(2025, 2, 1), Precision.MONTH).display() == "02/2025"
    assert FuzzyDate(date(2025, 1, 1), Precision.YEAR).display() == "2025"
    assert day_text(FuzzyDate(date(2025, 2, 1), Precision.MONTH, True)) == "?02/2025"


def test_the_filters_every_template_may_use():
    moment = datetime(2025, 12, 8, 9, 5, tzinfo=UTC)
    assert render("{{ d|day }}", d=date(2025, 12, 8)) == "08/12/2025"
    assert render("{{ m|day }} {{ m|moment }}", m=moment) == "08/12/2025 08/12/2025 09:05"
    assert render('{{ d|day|default:"Not known" }}', d=None) == "Not known"
    assert render("{{ d|day }}", d="not a date") == ""


def test_no_template_formats_a_date_its_own_way():
    # |date:"..." and |date:'...' drift apart ("d/m/y", "j F Y"): every date goes through
    # |day or |moment.
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "templates").rglob("*")
        if path.suffix in {".html", ".txt"}
        for match in re.finditer(r"\|date(:[^ }|]*)?", path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize("folder", CODE)
def test_no_python_formats_a_date_its_own_way(folder):
    # Python shows dates through day_text and moment_text; strftime/format specs with a
    # day-month-year of their own (above all the two-digit %y) are not used to show one.
    pattern = re.compile(r"%d/%m/%y|%d %B|%-d %B|%d/%m/%Y")
    allowed = {
        "scr/dates.py",  # the helpers and Appendix C's form
        "scr/fields.py",  # the input's own format
        "scr/formats/en_GB/formats.py",  # Django's input formats
        "scr/deadlines/management/commands/sweep_deadlines.py",  # --at, read not shown
    }
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
        and str(path.relative_to(ROOT)) not in allowed
        and pattern.search(path.read_text())
    ]
    assert found == []
